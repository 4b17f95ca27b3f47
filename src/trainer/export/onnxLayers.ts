// TF.js layers as ONNX operators. Image tensors flow in NCHW inside the graph (ONNX's Conv and pooling
// layout); the model's NHWC input is transposed once, and Flatten transposes back first so a Dense after
// it sees its inputs in TF.js's order. Values here carry that layout along.
import { EngineError } from '../../shared/engineError';
import { optionalWeight, weightOf, type GraphLayer } from './exportGraph';
import { float, transposeValues, type OnnxGraphBuilder } from './onnxBuilder';
import { activation, withActivation } from './onnxActivations';
import { KERAS_LAYER_CONVERTERS } from './onnxKerasLayers';
import { cfg, one, out, pair, type Converter, type Value } from './onnxValues';

export type { Value };

/** The layer's output, or an error naming the layer when its class has no ONNX form here. */
export function convertLayer(b: OnnxGraphBuilder, layer: GraphLayer, inputs: Value[]): Value {
  const converter = CONVERTERS[layer.className];
  if (!converter) throw new EngineError(`Layer "${layer.name}" (${layer.className}) cannot be exported to ONNX yet.`);
  return converter(b, layer, inputs);
}

/** Explicit [top, left, bottom, right] pads of TF's `same` (the extra pixel goes after) or none for `valid`. */
function spatialPads(
  layer: GraphLayer,
  input: Value,
  kernel: number[],
  strides: number[],
  dilation = [1, 1],
): number[] {
  if (cfg<string>(layer, 'padding') !== 'same') return [0, 0, 0, 0];
  const size = [input.shape[1], input.shape[2]];
  if (size.some((s) => s === null))
    throw new EngineError(`Layer "${layer.name}" has an input of unknown size; export needs a fixed input size.`);
  const total = size.map((s, i) =>
    Math.max((Math.ceil(s! / strides[i]) - 1) * strides[i] + (kernel[i] - 1) * dilation[i] + 1 - s!, 0),
  );
  const begin = total.map((t) => Math.floor(t / 2));
  return [begin[0], begin[1], total[0] - begin[0], total[1] - begin[1]];
}

function conv(b: OnnxGraphBuilder, layer: GraphLayer, inputs: Value[], depthwise: boolean): Value {
  const x = one(layer, inputs, 'nchw');
  const kernel = weightOf(layer, depthwise ? 'depthwise_kernel' : 'kernel');
  const [kh, kw, cin, last] = kernel.shape;
  // TF.js kernels: conv [kh, kw, in, out]; depthwise [kh, kw, in, multiplier]. ONNX: [out, in/group, kh, kw],
  // and a grouped Conv with group = in puts output channel c·multiplier + m in group c, as TF.js does.
  const weights = depthwise
    ? transposeValues(kernel.values, [kh, kw, cin * last, 1], [2, 3, 0, 1])
    : transposeValues(kernel.values, kernel.shape, [3, 2, 0, 1]);
  const strides = pair(cfg<number | number[]>(layer, 'strides'));
  const dilations = pair(cfg<number | number[]>(layer, 'dilation_rate') ?? 1);
  const inputsOut = [x.name, b.floats(`${layer.name}/kernel`, weights.shape, weights.values)];
  const bias = optionalWeight(layer, 'bias');
  if (bias) inputsOut.push(b.floats(`${layer.name}/bias`, bias.shape, bias.values));
  const y = b.node('Conv', inputsOut, layer.name, {
    kernel_shape: [kh, kw],
    strides,
    dilations,
    pads: spatialPads(layer, x, [kh, kw], strides, dilations),
    group: depthwise ? cin : 1,
  });
  return withActivation(b, layer, out(y, layer, 'nchw'));
}

/** SeparableConv2D: the depthwise step (strides, padding, dilation), then a 1×1 conv with the bias. */
function separableConv(b: OnnxGraphBuilder, layer: GraphLayer, inputs: Value[]): Value {
  const x = one(layer, inputs, 'nchw');
  const depthwise = weightOf(layer, 'depthwise_kernel');
  const pointwise = weightOf(layer, 'pointwise_kernel');
  const [kh, kw, cin, multiplier] = depthwise.shape;
  const dw = transposeValues(depthwise.values, [kh, kw, cin * multiplier, 1], [2, 3, 0, 1]);
  const pw = transposeValues(pointwise.values, pointwise.shape, [3, 2, 0, 1]);
  const strides = pair(cfg<number | number[]>(layer, 'strides'));
  const dilations = pair(cfg<number | number[]>(layer, 'dilation_rate') ?? 1);
  const spread = b.node(
    'Conv',
    [x.name, b.floats(`${layer.name}/depthwise_kernel`, dw.shape, dw.values)],
    `${layer.name}/depthwise`,
    {
      kernel_shape: [kh, kw],
      strides,
      dilations,
      pads: spatialPads(layer, x, [kh, kw], strides, dilations),
      group: cin,
    },
  );
  const mixed = [spread, b.floats(`${layer.name}/pointwise_kernel`, pw.shape, pw.values)];
  const bias = optionalWeight(layer, 'bias');
  if (bias) mixed.push(b.floats(`${layer.name}/bias`, bias.shape, bias.values));
  const y = b.node('Conv', mixed, layer.name, { kernel_shape: [1, 1] });
  return withActivation(b, layer, out(y, layer, 'nchw'));
}

function batchNorm(b: OnnxGraphBuilder, layer: GraphLayer, inputs: Value[]): Value {
  const x = one(layer, inputs);
  const axis = cfg<number | number[]>(layer, 'axis');
  const rank = x.shape.length;
  if (Array.isArray(axis) || (axis !== -1 && axis !== rank - 1)) {
    throw new EngineError(
      `Layer "${layer.name}" normalizes axis ${JSON.stringify(axis)}; export handles the channel axis only.`,
    );
  }
  const mean = weightOf(layer, 'moving_mean');
  const channels = mean.shape[0];
  const gamma = optionalWeight(layer, 'gamma')?.values ?? new Float32Array(channels).fill(1);
  const beta = optionalWeight(layer, 'beta')?.values ?? new Float32Array(channels);
  // Inference mode, as the engine runs every BatchNorm of a base (moving statistics).
  const y = b.node(
    'BatchNormalization',
    [
      x.name,
      b.floats(`${layer.name}/gamma`, [channels], gamma),
      b.floats(`${layer.name}/beta`, [channels], beta),
      b.floats(`${layer.name}/moving_mean`, [channels], mean.values),
      b.floats(`${layer.name}/moving_variance`, [channels], weightOf(layer, 'moving_variance').values),
    ],
    layer.name,
    { epsilon: float(cfg<number>(layer, 'epsilon')) },
  );
  return out(y, layer, x.layout);
}

function pool(b: OnnxGraphBuilder, layer: GraphLayer, inputs: Value[], op: 'MaxPool' | 'AveragePool'): Value {
  const x = one(layer, inputs, 'nchw');
  const size = pair(cfg<number | number[]>(layer, 'pool_size'));
  const strides = pair(cfg<number | number[] | null>(layer, 'strides') ?? size);
  // TF's average pooling with `same` padding divides by the pixels inside the image: count_include_pad 0.
  const y = b.node(op, [x.name], layer.name, {
    kernel_shape: size,
    strides,
    pads: spatialPads(layer, x, size, strides),
  });
  return out(y, layer, 'nchw');
}

function globalPool(
  b: OnnxGraphBuilder,
  layer: GraphLayer,
  inputs: Value[],
  op: 'GlobalAveragePool' | 'GlobalMaxPool',
): Value {
  const x = one(layer, inputs, 'nchw');
  const pooled = b.node(op, [x.name], `${layer.name}/pool`);
  if (cfg<boolean | undefined>(layer, 'keepdims')) return out(pooled, layer, 'nchw');
  return out(b.node('Flatten', [pooled], layer.name, { axis: 1 }), layer, 'flat');
}

function merge(op: string): Converter {
  return (b, layer, inputs) => {
    if (inputs.length < 2 || inputs.some((v) => v.layout !== inputs[0].layout)) {
      throw new EngineError(
        `Layer "${layer.name}" (${layer.className}) merges tensors of different kinds; export cannot.`,
      );
    }
    if (op === 'Concat') {
      const axis = cfg<number>(layer, 'axis');
      const rank = inputs[0].shape.length;
      if (axis !== -1 && axis !== rank - 1)
        throw new EngineError(
          `Layer "${layer.name}" concatenates on axis ${axis}; export handles the channel axis only.`,
        );
      return out(
        b.node(
          'Concat',
          inputs.map((v) => v.name),
          layer.name,
          { axis: 1 },
        ),
        layer,
        inputs[0].layout,
      );
    }
    if (op === 'Sub' && inputs.length !== 2)
      throw new EngineError(`Layer "${layer.name}" subtracts ${inputs.length} tensors.`);
    return out(
      b.node(
        op,
        inputs.map((v) => v.name),
        layer.name,
      ),
      layer,
      inputs[0].layout,
    );
  };
}

const CONVERTERS: Readonly<Record<string, Converter>> = {
  ...KERAS_LAYER_CONVERTERS,
  Conv2D: (b, l, i) => conv(b, l, i, false),
  DepthwiseConv2D: (b, l, i) => conv(b, l, i, true),
  SeparableConv2D: separableConv,
  BatchNormalization: batchNorm,
  Activation: (b, l, i) => withActivation(b, l, one(l, i)),
  ReLU: (b, l, i) => {
    const x = one(l, i);
    const max = cfg<number | null | undefined>(l, 'max_value');
    if (max === null || max === undefined) return out(b.node('Relu', [x.name], l.name), l, x.layout);
    return out(
      b.node('Clip', [x.name, b.floats('zero', [], [0]), b.floats(`${l.name}/max`, [], [max])], l.name),
      l,
      x.layout,
    );
  },
  Softmax: (b, l, i) => activation(b, l, one(l, i), 'softmax'),
  Dense: (b, l, i) => {
    const x = one(l, i, 'flat');
    const kernel = weightOf(l, 'kernel');
    const bias = optionalWeight(l, 'bias');
    const inputs = [x.name, b.floats(`${l.name}/kernel`, kernel.shape, kernel.values)];
    if (bias) inputs.push(b.floats(`${l.name}/bias`, bias.shape, bias.values));
    return withActivation(b, l, out(b.node('Gemm', inputs, l.name), l, 'flat'));
  },
  Dropout: (_b, l, i) => one(l, i),
  Reshape: (b, l, i) => {
    // In TF.js's NHWC order, as the layer means it; back to NCHW when the result is an image again.
    const x = one(l, i);
    const target = cfg<number[]>(l, 'target_shape');
    if (target.length !== 1 && target.length !== 3) {
      throw new EngineError(`Layer "${l.name}" reshapes to ${target.length} dimensions; export handles 1 or 3.`);
    }
    const nhwc = x.layout === 'nchw' ? b.node('Transpose', [x.name], `${l.name}/nhwc`, { perm: [0, 2, 3, 1] }) : x.name;
    const shaped = b.node('Reshape', [nhwc, b.ints(`${l.name}/shape`, [0, ...target])], `${l.name}/reshaped`);
    if (target.length === 1) return out(shaped, l, 'flat');
    return out(b.node('Transpose', [shaped], l.name, { perm: [0, 3, 1, 2] }), l, 'nchw');
  },
  Flatten: (b, l, i) => {
    const x = one(l, i);
    if (x.layout === 'flat') return x;
    // Back to NHWC first: TF.js flattens height, width, channels in that order.
    const nhwc = b.node('Transpose', [x.name], `${l.name}/nhwc`, { perm: [0, 2, 3, 1] });
    return out(b.node('Flatten', [nhwc], l.name, { axis: 1 }), l, 'flat');
  },
  ZeroPadding2D: (b, l, i) => {
    const x = one(l, i, 'nchw');
    const [[top, bottom], [left, right]] = cfg<number[][]>(l, 'padding');
    const pads = b.ints(`${l.name}/pads`, [0, 0, top, left, 0, 0, bottom, right]);
    return out(b.node('Pad', [x.name, pads], l.name, { mode: 'constant' }), l, 'nchw');
  },
  MaxPooling2D: (b, l, i) => pool(b, l, i, 'MaxPool'),
  AveragePooling2D: (b, l, i) => pool(b, l, i, 'AveragePool'),
  GlobalAveragePooling2D: (b, l, i) => globalPool(b, l, i, 'GlobalAveragePool'),
  GlobalMaxPooling2D: (b, l, i) => globalPool(b, l, i, 'GlobalMaxPool'),
  KerasGlobalAveragePooling2D: (b, l, i) => globalPool(b, l, i, 'GlobalAveragePool'),
  KerasGlobalMaxPooling2D: (b, l, i) => globalPool(b, l, i, 'GlobalMaxPool'),
  Add: merge('Sum'),
  Multiply: merge('Mul'),
  Average: merge('Mean'),
  Maximum: merge('Max'),
  Minimum: merge('Min'),
  Subtract: merge('Sub'),
  Concatenate: merge('Concat'),
  Rescaling: (b, l, i) => {
    const x = one(l, i);
    const scaled = b.node(
      'Mul',
      [x.name, b.floats(`${l.name}/scale`, [], [cfg<number>(l, 'scale')])],
      `${l.name}/scaled`,
    );
    return out(
      b.node('Add', [scaled, b.floats(`${l.name}/offset`, [], [cfg<number>(l, 'offset') ?? 0])], l.name),
      l,
      x.layout,
    );
  },
};
