// Inference through a frozen network, faster than tfjs-layers' own: every Conv2D/DepthwiseConv2D followed by
// a frozen BatchNormalization (and a ReLU/ReLU6) runs as ONE fused WASM kernel, with the BatchNorm folded into
// the convolution's weights and bias once, here. tfjs-layers would run conv, batch-norm and activation as
// three kernels (it fuses no relu6), and those separate BatchNorm passes are a large share of MobileNetV2's
// forward time on WASM. Only valid while the layers are frozen: folded weights do not follow training.
import * as tf from '../tf';
import { inboundLayerNames } from './layerGraph';

type Step = (inputs: tf.Tensor[]) => tf.Tensor;

export interface FrozenExecutor {
  /** Output of the model for a batch (one tensor per model input, in order), computed in inference mode. */
  predict(x: tf.Tensor | tf.Tensor[]): tf.Tensor;
  /** How many conv → BatchNorm (→ activation) chains run as single fused kernels. */
  readonly fusedChains: number;
  dispose(): void;
}

/** Compiles a single-output functional model whose layers are all frozen. */
export function compileFrozen(model: tf.LayersModel): FrozenExecutor {
  const layers = model.layers;
  const consumers = new Map<string, string[]>();
  for (const l of layers)
    for (const src of inboundLayerNames(l)) consumers.set(src, [...(consumers.get(src) ?? []), l.name]);
  const only = (name: string) =>
    consumers.get(name)?.length === 1 ? model.getLayer(consumers.get(name)![0]) : undefined;
  const kept: tf.Tensor[] = [];
  const steps = new Map<string, { inputs: string[]; run: Step }>();
  const absorbed = new Map<string, string>(); // folded layer name → name of the step that produces its output
  let fusedChains = 0;
  for (const layer of layers) {
    if (absorbed.has(layer.name) || layer.getClassName() === 'InputLayer') continue;
    const inputs = inboundLayerNames(layer).map((n) => absorbed.get(n) ?? n);
    const bn = isFoldableConv(layer) ? only(layer.name) : undefined;
    if (bn && bn.getClassName() === 'BatchNormalization') {
      const act = only(bn.name);
      const activation = act ? fusableActivation(act) : undefined;
      const { filter, bias } = foldedWeights(layer, bn);
      kept.push(filter, bias);
      steps.set(layer.name, { inputs, run: ([x]) => fusedConv(layer, x, filter, bias, activation ?? 'linear') });
      absorbed.set(bn.name, layer.name);
      if (activation && act) absorbed.set(act.name, layer.name);
      fusedChains++;
      continue;
    }
    steps.set(layer.name, {
      inputs,
      run: (xs) => layer.apply(xs.length === 1 ? xs[0] : xs, { training: false }) as tf.Tensor,
    });
  }
  const inputNames = model.inputLayers.map((l) => l.name);
  const outputName = absorbed.get(model.outputLayers[0].name) ?? model.outputLayers[0].name;
  return {
    fusedChains,
    predict: (x) =>
      tf.tidy(() => {
        const xs = Array.isArray(x) ? x : [x];
        const values = new Map<string, tf.Tensor>(inputNames.map((name, i) => [name, xs[i]]));
        for (const [name, step] of steps) values.set(name, step.run(step.inputs.map((i) => values.get(i)!)));
        return values.get(outputName)!;
      }),
    dispose: () => tf.dispose(kept),
  };
}

function isFoldableConv(layer: tf.layers.Layer): boolean {
  const cls = layer.getClassName();
  const config = layer.getConfig();
  return (
    (cls === 'Conv2D' || cls === 'DepthwiseConv2D') &&
    config.activation === 'linear' &&
    config.dataFormat !== 'channelsFirst'
  );
}

function fusableActivation(layer: tf.layers.Layer): 'relu' | 'relu6' | undefined {
  const config = layer.getConfig();
  if (layer.getClassName() === 'ReLU')
    return config.maxValue === 6 ? 'relu6' : config.maxValue == null ? 'relu' : undefined;
  if (layer.getClassName() === 'Activation')
    return config.activation === 'relu6' ? 'relu6' : config.activation === 'relu' ? 'relu' : undefined;
  return undefined;
}

/** BatchNorm y = γ(x − μ)/√(σ² + ε) + β folded into the conv: W' = W·s, b' = (b − μ)·s + β with s = γ/√(σ² + ε). */
function foldedWeights(conv: tf.layers.Layer, bn: tf.layers.Layer): { filter: tf.Tensor4D; bias: tf.Tensor1D } {
  return tf.tidy(() => {
    const byName = (suffix: string) => bn.weights.find((w) => w.originalName.endsWith(suffix))?.read();
    const eps = bn.getConfig().epsilon as number;
    const variance = byName('moving_variance')!;
    const mean = byName('moving_mean')!;
    const channels = mean.shape[0];
    const gamma = byName('gamma') ?? tf.ones([channels]);
    const beta = byName('beta') ?? tf.zeros([channels]);
    const scale = tf.div(gamma, tf.sqrt(tf.add(variance, eps)));
    const [kernel, convBias] = conv.getWeights();
    const [kh, kw, cin, last] = kernel.shape;
    // Conv2D: one scale per output channel (last axis). Depthwise: channel c·multiplier + m maps to [c, m].
    const filter =
      conv.getClassName() === 'Conv2D'
        ? tf.mul(kernel, scale)
        : tf.reshape(tf.mul(tf.reshape(kernel, [kh, kw, cin * last]), scale), [kh, kw, cin, last]);
    const bias = tf.add(tf.mul(tf.sub(convBias ?? tf.zerosLike(mean), mean), scale), beta);
    return { filter: tf.keep(filter) as tf.Tensor4D, bias: tf.keep(bias) as tf.Tensor1D };
  });
}

function fusedConv(
  layer: tf.layers.Layer,
  x: tf.Tensor,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  activation: 'linear' | 'relu' | 'relu6',
): tf.Tensor {
  const c = layer.getConfig();
  const strides = c.strides as [number, number];
  const pad = c.padding as 'same' | 'valid';
  const dilations = c.dilationRate as [number, number];
  return layer.getClassName() === 'Conv2D'
    ? tf.fused.conv2d({ x: x as tf.Tensor4D, filter, strides, pad, dilations, bias, activation })
    : tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, filter, strides, pad, dilations, bias, activation });
}
