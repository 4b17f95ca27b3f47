// Classifiers that fit on exported embeddings in a second, without tfjs: the quick answer to "are these
// features any good for my classes?" before training a head. Both are deterministic for a given input.
import { EngineError } from '../../shared/engineError';
import { seededRandom } from '../../shared/seededRandom';

/** A predicted class and one score per class (vote shares for kNN, probabilities for logistic). */
export interface ClassPrediction {
  label: number;
  scores: Float32Array;
}

export interface LightClassifier {
  readonly kind: 'knn' | 'logistic';
  /** `y[i]` in `0 … classes-1` is the class of `x[i]`; all rows have the same length. Returns `this`. */
  fit(x: readonly Float32Array[], y: readonly number[], classes: number): this;
  predict(x: Float32Array): ClassPrediction;
}

export interface KnnOptions {
  /** Neighbours that vote; capped at the number of training rows. */
  k?: number;
}

/** k nearest neighbours by cosine similarity: embeddings differ more in direction than in length. */
export class KnnClassifier implements LightClassifier {
  readonly kind = 'knn';
  readonly k: number;
  private unit = new Float64Array(0);
  private labels: readonly number[] = [];
  private dims = 0;
  private classes = 0;

  constructor(options: KnnOptions = {}) {
    this.k = options.k ?? 5;
    if (!Number.isInteger(this.k) || this.k < 1) throw new EngineError(`k must be a positive integer, not ${this.k}.`);
  }

  fit(x: readonly Float32Array[], y: readonly number[], classes: number): this {
    this.dims = checkTrainingSet(x, y, classes);
    this.classes = classes;
    this.labels = y.slice();
    this.unit = new Float64Array(x.length * this.dims);
    x.forEach((row, i) => this.unit.set(normalized(row), i * this.dims));
    return this;
  }

  predict(x: Float32Array): ClassPrediction {
    const q = normalized(checkQuery(x, this.dims));
    const n = this.labels.length;
    const k = Math.min(this.k, n);
    // The k best so far, best first; a later row never displaces an equal earlier one, so ties go to
    // the lower training index.
    const best: { index: number; sim: number }[] = [];
    for (let i = 0; i < n; i++) {
      const sim = dot(q, 0, this.unit, i * this.dims, this.dims);
      if (best.length === k && sim <= best[k - 1].sim) continue;
      let at = best.length;
      while (at > 0 && best[at - 1].sim < sim) at--;
      best.splice(at, 0, { index: i, sim });
      if (best.length > k) best.pop();
    }
    const votes = new Int32Array(this.classes);
    const simSum = new Float64Array(this.classes);
    for (const b of best) {
      votes[this.labels[b.index]]++;
      simSum[this.labels[b.index]] += b.sim;
    }
    // Equal votes: the class whose neighbours are closer overall wins, then the lower class index.
    let label = 0;
    for (let c = 1; c < this.classes; c++) {
      if (votes[c] > votes[label] || (votes[c] === votes[label] && simSum[c] > simSum[label])) label = c;
    }
    return { label, scores: Float32Array.from(votes, (count) => count / k) };
  }
}

export interface LogisticOptions {
  /** Weight of the L2 penalty (λ/2·‖W‖²) on the standardized-feature weights. */
  l2?: number;
  /** Full-batch steps; fixed so the cost is known up front. */
  iterations?: number;
  learningRate?: number;
  /** Seeds the small random initial weights. */
  seed?: number;
  /** Weigh each class's rows by N / (classes · its size), so a large class does not drown a small one. */
  balanced?: boolean;
}

/**
 * Multinomial logistic regression on standardized features, full-batch gradient descent with Adam steps:
 * plain steps would need a rate tuned to each embedding's scale, Adam's per-weight scaling does not.
 */
export class LogisticRegression implements LightClassifier {
  readonly kind = 'logistic';
  readonly options: Required<LogisticOptions>;
  /** Mean cross-entropy plus penalty before each step: for tests and diagnostics. */
  readonly losses: number[] = [];
  private mean = new Float64Array(0);
  private invStd = new Float64Array(0);
  private params = new Float64Array(0); // classes × dims weights, row-major, then one bias per class
  private dims = 0;
  private classes = 0;

  constructor(options: LogisticOptions = {}) {
    this.options = { l2: 1e-2, iterations: 100, learningRate: 0.01, seed: 0, balanced: false, ...options };
  }

  fit(x: readonly Float32Array[], y: readonly number[], classes: number): this {
    const D = (this.dims = checkTrainingSet(x, y, classes));
    const C = (this.classes = classes);
    const N = x.length;
    this.standardizeFrom(x);
    const xs = new Float64Array(N * D);
    x.forEach((row, i) => this.standardize(row, xs.subarray(i * D, (i + 1) * D)));

    const { l2, iterations, learningRate, seed } = this.options;
    const weight = classWeights(y, C, this.options.balanced);
    const random = seededRandom(seed);
    this.params = Float64Array.from({ length: C * D + C }, (_, i) => (i < C * D ? (random() - 0.5) * 0.02 : 0));
    const grad = new Float64Array(this.params.length);
    const m = new Float64Array(this.params.length);
    const v = new Float64Array(this.params.length);
    const p = new Float64Array(C);
    this.losses.length = 0;

    for (let t = 1; t <= iterations; t++) {
      grad.fill(0);
      let loss = 0;
      for (let n = 0, row = 0; n < N; n++, row += D) {
        const w = weight[y[n]];
        loss -= w * Math.log(Math.max(this.softmax(xs, row, p)[y[n]], 1e-300));
        p[y[n]] -= 1; // now ∂loss/∂logits
        for (let c = 0; c < C; c++) {
          p[c] *= w;
          axpy(p[c], xs, row, grad, c * D, D);
          grad[C * D + c] += p[c];
        }
      }
      let penalty = 0;
      for (let i = 0; i < C * D; i++) {
        penalty += this.params[i] * this.params[i];
        grad[i] = grad[i] / N + l2 * this.params[i];
      }
      for (let c = 0; c < C; c++) grad[C * D + c] /= N;
      this.losses.push(loss / N + (l2 / 2) * penalty);
      this.adamStep(grad, m, v, t, learningRate);
    }
    return this;
  }

  predict(x: Float32Array): ClassPrediction {
    const row = this.standardize(checkQuery(x, this.dims), new Float64Array(this.dims));
    const probs = this.softmax(row, 0, new Float64Array(this.classes));
    let label = 0;
    for (let c = 1; c < this.classes; c++) if (probs[c] > probs[label]) label = c;
    return { label, scores: Float32Array.from(probs) };
  }

  private adamStep(grad: Float64Array, m: Float64Array, v: Float64Array, t: number, rate: number): void {
    const b1 = 0.9,
      b2 = 0.999,
      eps = 1e-8;
    const step = (rate * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    for (let i = 0; i < grad.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * grad[i];
      v[i] = b2 * v[i] + (1 - b2) * grad[i] * grad[i];
      this.params[i] -= (step * m[i]) / (Math.sqrt(v[i]) + eps);
    }
  }

  /** Class probabilities of the standardized row at `x[offset…]`, written into `out`. */
  private softmax(x: Float64Array, offset: number, out: Float64Array): Float64Array {
    let max = -Infinity;
    for (let c = 0; c < this.classes; c++) {
      const z = this.params[this.classes * this.dims + c] + dot(x, offset, this.params, c * this.dims, this.dims);
      out[c] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let c = 0; c < this.classes; c++) sum += out[c] = Math.exp(out[c] - max);
    for (let c = 0; c < this.classes; c++) out[c] /= sum;
    return out;
  }

  private standardizeFrom(x: readonly Float32Array[]): void {
    const D = this.dims;
    this.mean = new Float64Array(D);
    const sq = new Float64Array(D);
    for (const row of x) for (let d = 0; d < D; d++) this.mean[d] += row[d];
    for (let d = 0; d < D; d++) this.mean[d] /= x.length;
    for (const row of x) for (let d = 0; d < D; d++) sq[d] += (row[d] - this.mean[d]) ** 2;
    // A feature constant in training carries no information; scaling it by 1/0 would let noise at test
    // time dominate, so it is dropped (scale 0).
    this.invStd = sq.map((s) => {
      const sd = Math.sqrt(s / x.length);
      return sd > 1e-6 ? 1 / sd : 0;
    });
  }

  private standardize(row: Float32Array, out: Float64Array): Float64Array {
    for (let d = 0; d < this.dims; d++) out[d] = (row[d] - this.mean[d]) * this.invStd[d];
    return out;
  }
}

/** Share of rows whose prediction equals the label. */
export function accuracy(model: LightClassifier, x: readonly Float32Array[], y: readonly number[]): number {
  if (x.length === 0) return NaN;
  let right = 0;
  x.forEach((row, i) => {
    if (model.predict(row).label === y[i]) right++;
  });
  return right / x.length;
}

/** Per-class loss weights: all 1, or N / (classes · size) for classes present. */
function classWeights(y: readonly number[], classes: number, balanced: boolean): Float64Array {
  const weight = new Float64Array(classes).fill(1);
  if (!balanced) return weight;
  const counts = new Float64Array(classes);
  for (const label of y) counts[label]++;
  const present = counts.filter((c) => c > 0).length;
  for (let c = 0; c < classes; c++) if (counts[c] > 0) weight[c] = y.length / (present * counts[c]);
  return weight;
}

function checkTrainingSet(x: readonly Float32Array[], y: readonly number[], classes: number): number {
  if (x.length === 0) throw new EngineError('No training rows.');
  if (x.length !== y.length) throw new EngineError(`${x.length} rows but ${y.length} labels.`);
  if (!Number.isInteger(classes) || classes < 1)
    throw new EngineError(`classes must be a positive integer, not ${classes}.`);
  const dims = x[0].length;
  x.forEach((row, i) => {
    if (row.length !== dims) throw new EngineError(`Row ${i} has ${row.length} values, the first has ${dims}.`);
  });
  y.forEach((label, i) => {
    if (!Number.isInteger(label) || label < 0 || label >= classes)
      throw new EngineError(`Label ${label} of row ${i} is not in 0…${classes - 1}.`);
  });
  return dims;
}

function checkQuery(x: Float32Array, dims: number): Float32Array {
  if (dims === 0) throw new EngineError('predict() before fit().');
  if (x.length !== dims) throw new EngineError(`Query has ${x.length} values, the classifier was fitted on ${dims}.`);
  return x;
}

// Float64Array everywhere in the hot loops: one element type keeps V8's code monomorphic (mixing float32
// and float64 arrays here cost a third of the speed), and the memory is small at these sizes.

/** Dot product of `n` values from two offsets; four partial sums let the CPU overlap the additions. */
function dot(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, n: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[aOffset + i] * b[bOffset + i];
    s1 += a[aOffset + i + 1] * b[bOffset + i + 1];
    s2 += a[aOffset + i + 2] * b[bOffset + i + 2];
    s3 += a[aOffset + i + 3] * b[bOffset + i + 3];
  }
  for (; i < n; i++) s0 += a[aOffset + i] * b[bOffset + i];
  return s0 + s1 + s2 + s3;
}

/** `y[yOffset…] += alpha · x[xOffset…]` over `n` values, unrolled like `dot`. */
function axpy(alpha: number, x: Float64Array, xOffset: number, y: Float64Array, yOffset: number, n: number): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    y[yOffset + i] += alpha * x[xOffset + i];
    y[yOffset + i + 1] += alpha * x[xOffset + i + 1];
    y[yOffset + i + 2] += alpha * x[xOffset + i + 2];
    y[yOffset + i + 3] += alpha * x[xOffset + i + 3];
  }
  for (; i < n; i++) y[yOffset + i] += alpha * x[xOffset + i];
}

function normalized(row: Float32Array): Float64Array {
  let norm = 0;
  for (const v of row) norm += v * v;
  norm = Math.sqrt(norm);
  // A zero vector has no direction: it stays zero and is equally (dis)similar to everything.
  return Float64Array.from(row, (v) => (norm > 0 ? v / norm : 0));
}
