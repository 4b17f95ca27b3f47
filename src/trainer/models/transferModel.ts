// Builds the model that trains: the base cut at the feature layer, a new classification head on top,
// and trainable flags from the freeze plan. The head's layers are shared by two graphs: the full model
// (what is saved and what trains when base layers train) and a head-only model that trains on cached
// features. Sharing the layer objects shares the weights, so no copying is ever needed.
import type { HeadSpec } from '../../shared/engineTypes';
import * as tf from '../tf';
import { streamDropout } from './streamDropout';
import type { FreezePlan } from '../../shared/freezePlan';

export interface TransferModel {
  /** Base up to the cut, then the head: what trains when base layers train, and what is saved. */
  full: tf.LayersModel;
  /** Base up to the cut plus the head's weightless pooling: what the feature cache stores. */
  features: tf.LayersModel;
  /** The head's layers with weights, on top of `features`. */
  head: tf.LayersModel;
  /** Shape of one cached feature vector. */
  featureShape: number[];
  /** The pooling folded into `features` ("avg", "max", "flatten" or "none"), part of the cache key. */
  pooling: string;
}

export function buildTransferModel(
  base: tf.LayersModel,
  plan: FreezePlan,
  spec: HeadSpec,
  classes: number,
  seed: number,
): TransferModel {
  const featureOutput = base.getLayer(plan.featureLayer).getOutputAt(0) as tf.SymbolicTensor;
  const featureShape = featureOutput.shape.slice(1);
  const taken = new Set(base.layers.map((l) => l.name));
  const name = (n: string) => {
    let candidate = `head_${n}`;
    for (let i = 2; taken.has(candidate); i++) candidate = `head_${n}_${i}`;
    taken.add(candidate);
    return candidate;
  };
  let pooling = 'none';
  let pooled = featureOutput;
  if (featureShape.length === 3) {
    pooling = spec.pooling;
    const layer =
      spec.pooling === 'flatten'
        ? tf.layers.flatten({ name: name('flatten') })
        : spec.pooling === 'max'
          ? tf.layers.globalMaxPooling2d({ name: name('pool') })
          : tf.layers.globalAveragePooling2d({ name: name('pool') });
    pooled = layer.apply(featureOutput) as tf.SymbolicTensor;
  } else if (featureShape.length !== 1) {
    pooling = 'flatten';
    pooled = tf.layers.flatten({ name: name('flatten') }).apply(featureOutput) as tf.SymbolicTensor;
  }
  const pooledShape = pooled.shape.slice(1) as number[];
  const headLayers: tf.layers.Layer[] = [];
  if (spec.dense && spec.dense > 0) {
    headLayers.push(
      tf.layers.dense({
        units: spec.dense,
        activation: 'relu',
        name: name('dense'),
        kernelInitializer: tf.initializers.heNormal({ seed }),
      }),
    );
  }
  if (spec.dropout && spec.dropout > 0)
    headLayers.push(streamDropout({ rate: spec.dropout, seed, name: name('dropout') }));
  headLayers.push(
    tf.layers.dense({
      units: classes,
      activation: 'softmax',
      name: name('predictions'),
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  );

  const apply = (x: tf.SymbolicTensor) => headLayers.reduce((t, layer) => layer.apply(t) as tf.SymbolicTensor, x);
  const full = tf.model({ inputs: base.inputs, outputs: apply(pooled), name: 'transfer_studio' });
  const features = tf.model({ inputs: base.inputs, outputs: pooled });
  const featuresIn = tf.input({ shape: pooledShape, name: name('features_in') });
  const head = tf.model({ inputs: featuresIn, outputs: apply(featuresIn) });
  applyFreezePlan(full, plan);
  return { full, features, head, featureShape: pooledShape, pooling };
}

/** Sets trainable flags; takes effect at the next compile(). */
export function applyFreezePlan(model: tf.LayersModel, plan: FreezePlan): void {
  const kept = new Set(plan.kept);
  for (const layer of model.layers) {
    if (!kept.has(layer.name)) continue;
    layer.trainable = !plan.frozen.has(layer.name);
    if (layer.getClassName() === 'BatchNormalization') keepInferenceMode(layer);
  }
}

const patched = new WeakSet<tf.layers.Layer>();

/** True for a BatchNorm layer patched below (its output never depends on the rest of the batch). */
export const inInferenceMode = (layer: tf.layers.Layer): boolean => patched.has(layer);

/**
 * tfjs-layers' BatchNormalization uses batch statistics whenever `training` is true, even when the layer is
 * frozen. The base's BatchNorm layers always run in inference mode here, as Keras' fine-tuning guide advises
 * (`base(x, training=False)`): their moving statistics stay those of the pretrained base, while an unfrozen
 * layer's scale and offset still learn. Batch statistics of a few images (batches of 4–16 are what fits when
 * base layers train) are far from the base's; switching to them when phase 2 unfroze the top blocks made the
 * loss jump from about 0.7 to 2.8.
 */
export function keepInferenceMode(layer: tf.layers.Layer): void {
  if (patched.has(layer)) return;
  patched.add(layer);
  const call = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => call(inputs, { ...kwargs, training: false });
  const config = layer.getConfig();
  // tfjs' fused batchNorm cannot record gradients without a scale (gamma): InceptionV3's BatchNorms have
  // scale=False, and training one failed inside the kernel. Those layers compute the same formula from
  // plain ops, which differentiate with respect to beta.
  if ((config.scale === false || config.center === false) && (config.axis === -1 || config.axis === 3)) {
    layer.call = (inputs) =>
      tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const w = new Map(layer.weights.map((v) => [(v.originalName ?? v.name).split('/').pop(), v.read()]));
        const normalized = tf.div(
          tf.sub(x, w.get('moving_mean')!),
          tf.sqrt(tf.add(w.get('moving_variance')!, Number(config.epsilon))),
        );
        const scaled = w.has('gamma') ? tf.mul(normalized, w.get('gamma')!) : normalized;
        return w.has('beta') ? tf.add(scaled, w.get('beta')!) : scaled;
      });
  }
}
