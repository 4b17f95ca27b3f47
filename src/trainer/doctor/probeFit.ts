// The doctor's probe on tfjs matrix products: the same class-balanced multinomial logistic regression as the
// light classifier (standardized features, L2 on the weights, full-batch Adam from small seeded weights),
// but each step is two (rows × dims) · (dims × classes) products on the engine's backend (WASM SIMD in the
// trainer) instead of 10⁸ multiply-adds in plain JavaScript. Float32, deterministic for a given backend.
import { seededRandom } from '../../shared/seededRandom';
import * as tf from '../tf';

export interface ProbeSettings {
  /** Weight of the L2 penalty (λ/2·‖W‖²) on the weights (not the biases). */
  l2: number;
  /** Full-batch Adam steps. */
  iterations: number;
  learningRate: number;
  /** Seeds the small random initial weights. */
  seed: number;
}

const B1 = 0.9;
const B2 = 0.999;
const EPS = 1e-8;

// A type, not an interface: tf.tidy returns only containers with an index signature.
type Params = {
  w: tf.Tensor2D; // dims × classes: xs·w needs no transpose (xs·wᵀ: 10 ms against 6 at 800 × 1280 on WASM)
  b: tf.Tensor1D;
  mw: tf.Tensor2D;
  vw: tf.Tensor2D;
  mb: tf.Tensor1D;
  vb: tf.Tensor1D;
};

/**
 * Fits on the rows `train` of `x` (labels `y[train]`) and returns the class probabilities of the rows `test`,
 * `test.length × classes`, row-major.
 */
export function probeProbabilities(
  x: tf.Tensor2D,
  y: readonly number[],
  train: readonly number[],
  test: readonly number[],
  classes: number,
  settings: ProbeSettings,
): Float32Array {
  const dims = x.shape[1];
  const fitted = tf.tidy(() => {
    const rows = tf.gather(x, Array.from(train));
    const { mean, variance } = tf.moments(rows, 0);
    // A feature constant in training carries no information: scale 0, as the light classifier does.
    const sd = tf.sqrt(variance);
    const invStd = tf.where(tf.greater(sd, 1e-6), tf.div(1, sd), tf.zerosLike(sd));
    const xs = tf.mul(tf.sub(rows, mean), invStd) as tf.Tensor2D;
    const labels = train.map((i) => y[i]);
    const onehot = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), 'float32');
    const rowWeight = tf.tensor2d(balancedRowWeights(labels, classes), [labels.length, 1]);
    let p = initialParams(classes, dims, settings.seed);
    for (let t = 1; t <= settings.iterations; t++) {
      const next = step(p, xs, onehot, rowWeight, t, settings);
      tf.dispose(Object.values(p));
      p = next;
    }
    return { w: p.w, b: p.b, mean, invStd };
  });
  const probs = tf.tidy(() => {
    const xt = tf.mul(tf.sub(tf.gather(x, Array.from(test)), fitted.mean), fitted.invStd) as tf.Tensor2D;
    return tf.softmax(tf.add(tf.matMul(xt, fitted.w), fitted.b));
  });
  const out = probs.dataSync() as Float32Array;
  tf.dispose([probs, ...Object.values(fitted)]);
  return Float32Array.from(out);
}

/** Each row's loss weight over the number of rows: N / (classes present · class size) / N. */
function balancedRowWeights(labels: readonly number[], classes: number): Float32Array {
  const counts = new Float64Array(classes);
  for (const c of labels) counts[c]++;
  const present = counts.filter((c) => c > 0).length;
  return Float32Array.from(labels, (c) => 1 / (present * counts[c]));
}

/** Weights drawn in the light classifier's order (class-major), biases and Adam moments zero. */
function initialParams(classes: number, dims: number, seed: number): Params {
  const random = seededRandom(seed);
  const drawn = Float32Array.from({ length: classes * dims }, () => (random() - 0.5) * 0.02);
  const w = tf.tidy(() => tf.transpose(tf.tensor2d(drawn, [classes, dims])));
  const zeros = () => tf.zeros([dims, classes]) as tf.Tensor2D;
  return { w, b: tf.zeros([classes]), mw: zeros(), vw: zeros(), mb: tf.zeros([classes]), vb: tf.zeros([classes]) };
}

/** One full-batch Adam step on the weighted mean cross-entropy plus the penalty. */
function step(p: Params, xs: tf.Tensor2D, onehot: tf.Tensor, rowWeight: tf.Tensor2D, t: number, s: ProbeSettings) {
  return tf.tidy((): Params => {
    const probs = tf.softmax(tf.add(tf.matMul(xs, p.w), p.b));
    const dLogits = tf.mul(tf.sub(probs, onehot), rowWeight); // rows × classes
    // dLogitsᵀ·xs and a transpose of the small result beat xsᵀ·dLogits on WASM.
    const gx = tf.transpose(tf.matMul(dLogits, xs, true, false));
    const gw = tf.add(gx, tf.mul(p.w, s.l2)) as tf.Tensor2D;
    const gb = tf.sum(dLogits, 0) as tf.Tensor1D;
    const rate = (s.learningRate * Math.sqrt(1 - B2 ** t)) / (1 - B1 ** t);
    const [w, mw, vw] = adam(p.w, p.mw, p.vw, gw, rate);
    const [b, mb, vb] = adam(p.b, p.mb, p.vb, gb, rate);
    return { w, b, mw, vw, mb, vb };
  });
}

function adam<T extends tf.Tensor>(param: T, m: T, v: T, g: T, rate: number): [T, T, T] {
  const m2 = tf.add(tf.mul(m, B1), tf.mul(g, 1 - B1)) as T;
  const v2 = tf.add(tf.mul(v, B2), tf.mul(tf.square(g), 1 - B2)) as T;
  const next = tf.sub(param, tf.mul(tf.div(m2, tf.add(tf.sqrt(v2), EPS)), rate)) as T;
  return [next, m2, v2];
}
