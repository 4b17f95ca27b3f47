// Heads on standardized cached features (issue 29). A head trained by small-batch Adam on raw features
// converges slowly: features at an inner cut of the base differ in scale by orders of magnitude, and a few
// thousand images × hundreds of epochs do not fit a 180 s budget (Fashion-MNIST at block_13_expand_relu:
// 0.68 on validation after its 15 s, where the converged probe scores 0.83). So the head trains on features
// standardized with the training split's mean and deviation, a linear head starting from a logistic
// regression (full-batch steps, one matrix product each); at the end the standardization is folded into the
// first dense layer's weights, so the saved model reads raw features as before.
import { AUTO_WARM_START } from '../../shared/autoFlow';
import type { Sample } from '../../shared/split';
import * as tf from '../tf';

/** A feature whose standard deviation on the training split is below this counts as constant. */
const CONSTANT_BELOW = 1e-6;

/**
 * No feature's deviation counts as less than this share of the median deviation: no feature is scaled up more
 * than the median one. Scaled by its own tiny deviation (a ReLU channel that fires on a few images), a feature
 * got up to 1,355 times its raw value in the folded head (the median 39; Fashion-MNIST at
 * block_13_expand_relu), and fine-tuning the blocks below, which wakes such channels, took validation from
 * 83.3 to 68.3 % after one epoch, 78.3 % after two. With this floor: head 83.8 %, then 79.7 and 80.0 %
 * (a floor of a tenth of the median: 83.2 %, then 71.3 and 78.8 %; standardizedFineTune.ts).
 */
export const DEVIATION_FLOOR_SHARE = 1;

export interface Standardized {
  /** Every image's features, standardized. */
  features: Map<string, Float32Array>;
  mean: Float32Array;
  /** 1 / standard deviation; 0 for a feature constant in training (scaled by 1/0, noise would dominate). */
  scale: Float32Array;
}

/**
 * Features standardized with the mean and deviation of the training samples' features, each deviation at
 * least `floorShare` of the median deviation of the features that are not constant.
 */
export function standardize(
  features: ReadonlyMap<string, Float32Array>,
  train: readonly Sample[],
  floorShare = DEVIATION_FLOOR_SHARE,
): Standardized {
  const rows = train.map((s) => features.get(s.path)).filter((r): r is Float32Array => r !== undefined);
  const d = rows[0]?.length ?? 0;
  const sum = new Float64Array(d);
  const sq = new Float64Array(d);
  for (const r of rows) for (let i = 0; i < d; i++) sum[i] += r[i];
  const mean = Float32Array.from(sum, (s) => s / Math.max(1, rows.length));
  for (const r of rows) for (let i = 0; i < d; i++) sq[i] += (r[i] - mean[i]) ** 2;
  const sd = Array.from(sq, (s) => Math.sqrt(s / Math.max(1, rows.length)));
  const varying = sd.filter((v) => v > CONSTANT_BELOW).sort((a, b) => a - b);
  const floor = floorShare * (varying[Math.floor(varying.length / 2)] ?? 0);
  const scale = Float32Array.from(sd, (v) => (v > CONSTANT_BELOW ? 1 / Math.max(v, floor) : 0));
  const out = new Map<string, Float32Array>();
  for (const [key, r] of features)
    out.set(
      key,
      Float32Array.from(r, (v, i) => (v - mean[i]) * scale[i]),
    );
  return { features: out, mean, scale };
}

/** The head's layers with weights, input side first. */
const weightedLayers = (head: tf.LayersModel) => head.layers.filter((l) => l.getWeights().length > 0);

/**
 * Folds the standardization into the head's first dense layer: K·((x − mean)·s) + c = (s·K)·x + (c − (mean·s)·K),
 * so the head reads raw features again.
 */
export function foldStandardization(head: tf.LayersModel, s: Standardized): void {
  const first = weightedLayers(head)[0];
  const d = s.mean.length;
  const [kernel, bias] = first.getWeights();
  const folded = tf.tidy(() => {
    const scaled = tf.mul(kernel, tf.tensor2d(s.scale, [d, 1]));
    const shift = tf.matMul(tf.tensor2d(s.mean, [1, d]), scaled);
    return [scaled, tf.sub(bias, tf.reshape(shift, bias.shape))];
  });
  first.setWeights(folded);
  tf.dispose(folded);
}

export interface WarmStart {
  steps: number;
  seconds: number;
}

/**
 * Sets the weights of a head whose only weighted layer is its softmax dense layer to a logistic regression on
 * the (standardized) features; returns undefined, leaving the head as it was, for any other head.
 */
export async function warmStartLinearHead(
  head: tf.LayersModel,
  features: ReadonlyMap<string, Float32Array>,
  train: readonly Sample[],
  classes: number,
  deadline: number,
): Promise<WarmStart | undefined> {
  const weighted = weightedLayers(head);
  const dims = head.inputs[0].shape.slice(1);
  const usable = train.filter((s) => features.has(s.path));
  if (weighted.length !== 1 || dims.length !== 1 || usable.length === 0) return undefined;
  const started = Date.now();
  const d = dims[0] as number;
  const data = new Float32Array(usable.length * d);
  usable.forEach((s, i) => data.set(features.get(s.path)!, i * d));
  const x = tf.tensor2d(data, [usable.length, d]);
  const labels = tf.tensor1d(
    usable.map((s) => s.label),
    'int32',
  );
  const y = tf.tidy(() => tf.cast(tf.oneHot(labels, classes), 'float32'));
  const w = tf.variable(tf.zeros([d, classes]));
  const b = tf.variable(tf.zeros([classes]));
  const optimizer = tf.train.adam(AUTO_WARM_START.learningRate);
  let steps = 0;
  try {
    const loss = () =>
      tf.add(
        tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(x, w), b)),
        tf.mul(AUTO_WARM_START.l2 / 2, tf.sum(tf.square(w))),
      ) as tf.Scalar;
    while (steps < AUTO_WARM_START.steps && Date.now() < deadline) {
      optimizer.minimize(loss, false, [w, b]);
      steps++;
      // Each step is queued work: wait for it now and then, so the deadline is honoured.
      if (steps % 10 === 0) await w.data();
    }
    weighted[0].setWeights([w, b]);
    return { steps, seconds: (Date.now() - started) / 1000 };
  } finally {
    optimizer.dispose();
    tf.dispose([x, labels, y, w, b]);
  }
}
