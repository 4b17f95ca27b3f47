// Activations as ONNX operators: TF.js's (fused into a layer or an Activation layer) and the Keras 3 ones our
// KerasActivation layer computes. The same name can mean two formulas (hard_sigmoid): each side is explicit.
import { EngineError } from '../../shared/engineError';
import type { GraphLayer } from './exportGraph';
import { float, type OnnxGraphBuilder } from './onnxBuilder';
import { cfg, out, type Value } from './onnxValues';

/** Applies a TF.js activation (by its pythonic name) to `x`. */
export function activation(b: OnnxGraphBuilder, layer: GraphLayer, x: Value, name: string): Value {
  const n = (op: string, inputs: string[], attrs = {}) => b.node(op, inputs, `${layer.name}/${name}`, attrs);
  const as = (v: string): Value => ({ ...x, name: v });
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return as(n('Relu', [x.name]));
    case 'relu6':
      return as(n('Clip', [x.name, b.floats('zero', [], [0]), b.floats('six', [], [6])]));
    case 'sigmoid':
      return as(n('Sigmoid', [x.name]));
    case 'tanh':
      return as(n('Tanh', [x.name]));
    case 'elu':
      return as(n('Elu', [x.name]));
    case 'selu':
      return as(n('Selu', [x.name]));
    case 'softplus':
      return as(n('Softplus', [x.name]));
    case 'softsign':
      return as(n('Softsign', [x.name]));
    // TF.js's hard_sigmoid: clip(0.2x + 0.5, 0, 1) (Keras 3's differs; ONNX's takes both constants).
    case 'hard_sigmoid':
      return as(n('HardSigmoid', [x.name], { alpha: float(0.2), beta: float(0.5) }));
    case 'swish':
      return as(n('Mul', [x.name, n('Sigmoid', [x.name])]));
    case 'softmax':
      if (x.layout !== 'flat')
        throw new EngineError(
          `Layer "${layer.name}" applies softmax to an image tensor; export handles it on vectors only.`,
        );
      return as(n('Softmax', [x.name], { axis: -1 }));
    default:
      throw new EngineError(
        `Layer "${layer.name}" uses the activation "${name}", which cannot be exported to ONNX yet.`,
      );
  }
}

export function withActivation(b: OnnxGraphBuilder, layer: GraphLayer, x: Value): Value {
  return activation(b, layer, x, cfg<string>(layer, 'activation') ?? 'linear');
}

/** Keras 3 activations our KerasActivation layer computes (not TF.js's formulas). */
export function kerasActivation(b: OnnxGraphBuilder, layer: GraphLayer, x: Value): Value {
  const name = cfg<string>(layer, 'activation');
  // Keras 3: hard_sigmoid = relu6(x + 3) / 6 = clip(x/6 + 1/2, 0, 1); hard_silu = hard_swish = x · that.
  if (name === 'hard_sigmoid')
    return out(b.node('HardSigmoid', [x.name], layer.name, { alpha: float(1 / 6), beta: float(0.5) }), layer, x.layout);
  if (name === 'hard_silu' || name === 'hard_swish')
    return out(b.node('HardSwish', [x.name], layer.name), layer, x.layout);
  if (name === 'log_softmax' && x.layout === 'flat')
    return out(b.node('LogSoftmax', [x.name], layer.name, { axis: -1 }), layer, x.layout);
  throw new EngineError(`Layer "${layer.name}" uses the activation "${name}", which cannot be exported to ONNX yet.`);
}
