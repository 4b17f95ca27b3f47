// Our TF.js layers for what Keras 3 has and TF.js lacks (interchange/kerasLayers.ts), as ONNX operators.
import { EngineError } from '../../shared/engineError';
import { weightOf, type GraphLayer } from './exportGraph';
import type { OnnxGraphBuilder } from './onnxBuilder';
import { kerasActivation } from './onnxActivations';
import { cfg, one, out, type Converter, type Value } from './onnxValues';

const SCALAR_OPS: Readonly<Record<string, string>> = { add: 'Add', subtract: 'Sub', multiply: 'Mul', divide: 'Div' };

/** Keras 3 Normalization: (x − mean) / max(√variance, 1e-7), on the channel axis. */
function normalization(b: OnnxGraphBuilder, layer: GraphLayer, inputs: Value[]): Value {
  const x = one(layer, inputs);
  const axis = cfg<number | number[]>(layer, 'axis');
  const axes = Array.isArray(axis) ? axis : [axis];
  const rank = x.shape.length;
  if (axes.length !== 1 || (axes[0] !== -1 && axes[0] !== rank - 1)) {
    throw new EngineError(
      `Layer "${layer.name}" normalizes axes ${JSON.stringify(axis)}; export handles the channel axis only.`,
    );
  }
  const mean = weightOf(layer, 'mean');
  const variance = weightOf(layer, 'variance').values;
  const c = mean.values.length;
  const inverse = Float32Array.from(variance, (v) => 1 / Math.max(Math.sqrt(v), 1e-7));
  const dims = x.layout === 'nchw' ? [1, c, 1, 1] : [1, c];
  const centered = b.node('Sub', [x.name, b.floats(`${layer.name}/mean`, dims, mean.values)], `${layer.name}/centered`);
  return out(
    b.node('Mul', [centered, b.floats(`${layer.name}/inverse_std`, dims, inverse)], layer.name),
    layer,
    x.layout,
  );
}

export const KERAS_LAYER_CONVERTERS: Readonly<Record<string, Converter>> = {
  KerasActivation: (b, l, i) => kerasActivation(b, l, one(l, i)),
  KerasNormalization: normalization,
  KerasScalarOp: (b, l, i) => {
    const x = one(l, i);
    const op = SCALAR_OPS[cfg<string>(l, 'op')];
    if (!op) throw new EngineError(`Layer "${l.name}" applies the unknown operation ${cfg<string>(l, 'op')}.`);
    return out(b.node(op, [x.name, b.floats(`${l.name}/value`, [], [cfg<number>(l, 'value')])], l.name), l, x.layout);
  },
};
