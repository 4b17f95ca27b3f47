// Multinomial logistic regression on sparse rows, our own: a dense head over half a million hashed columns
// would be mostly zeros. Only the columns seen in training get weights (an unseen column's weight would stay
// 0 under the penalty anyway). Stochastic gradient steps in a seeded order, the L2 penalty applied as one
// shared scale (W = s·V, Bottou's trick) so a step costs the row's non-zeros, not the whole matrix.
import { seededRandom, shuffled } from '../../shared/seededRandom';
import type { SparseRow } from '../data/text/sparseRows';

/** Fitted weights, as stored in a run folder: columns → local index, then classes × local weights + biases. */
export interface SparseLogisticModel {
  classes: number;
  columns: number[];
  weights: number[];
  biases: number[];
}

export interface SparseLogisticOptions {
  /** Inverse penalty strength as in scikit-learn: loss summed over rows + ‖W‖²/(2C). */
  c: number;
  epochs?: number;
  learningRate?: number;
  seed?: number;
}

/** Fits on rows `x` with labels `y` in 0…classes-1. */
export function fitSparseLogistic(
  x: readonly SparseRow[],
  y: readonly number[],
  classes: number,
  options: SparseLogisticOptions,
): SparseLogisticModel {
  const columns = [...new Set(x.flatMap((r) => [...r.idx]))].sort((a, b) => a - b);
  const local = new Map(columns.map((c, i) => [c, i]));
  const rows = x.map((r) => ({ idx: Int32Array.from(r.idx, (c) => local.get(c)!), val: r.val }));
  const D = columns.length;
  const C = classes;
  const N = rows.length;
  const v = new Float64Array(C * D);
  const bias = new Float64Array(C);
  const p = new Float64Array(C);
  const lambda = 1 / (options.c * N);
  const epochs = options.epochs ?? 30;
  const rate0 = options.learningRate ?? 0.5;
  const random = seededRandom(options.seed ?? 0);
  let scale = 1;
  for (let epoch = 0; epoch < epochs; epoch++) {
    // A slowly decaying rate: early epochs move fast, the last ones settle; rate·λ < 1 keeps the scale positive.
    const rate = Math.min(rate0 / Math.sqrt(1 + epoch), 0.5 / lambda);
    for (const n of shuffled(
      rows.map((_, i) => i),
      random,
    )) {
      const row = rows[n];
      logits(v, scale, bias, D, C, row, p);
      toProbabilities(p);
      p[y[n]] -= 1;
      scale *= 1 - rate * lambda;
      const step = rate / scale;
      for (let c = 0; c < C; c++) {
        const g = p[c];
        const base = c * D;
        for (let k = 0; k < row.idx.length; k++) v[base + row.idx[k]] -= step * g * row.val[k];
        bias[c] -= rate * g;
      }
      if (scale < 1e-6) {
        for (let i = 0; i < v.length; i++) v[i] *= scale;
        scale = 1;
      }
    }
  }
  return { classes: C, columns, weights: Array.from(v, (w) => w * scale), biases: [...bias] };
}

/** A fitted model ready to score rows. */
export interface SparseScorer {
  classes: number;
  /** Class probabilities of one row. */
  probabilities(row: SparseRow): Float64Array;
}

export function sparseScorer(model: SparseLogisticModel): SparseScorer {
  const D = model.columns.length;
  const C = model.classes;
  const local = new Map(model.columns.map((c, i) => [c, i]));
  const w = Float64Array.from(model.weights);
  const b = Float64Array.from(model.biases);
  return {
    classes: C,
    probabilities(row) {
      const idx: number[] = [];
      const val: number[] = [];
      row.idx.forEach((c, k) => {
        const i = local.get(c);
        if (i === undefined) return;
        idx.push(i);
        val.push(row.val[k]);
      });
      const out = new Float64Array(C);
      logits(w, 1, b, D, C, { idx: Int32Array.from(idx), val: Float32Array.from(val) }, out);
      return toProbabilities(out);
    },
  };
}

function logits(
  w: Float64Array,
  scale: number,
  b: Float64Array,
  D: number,
  C: number,
  row: SparseRow,
  out: Float64Array,
) {
  for (let c = 0; c < C; c++) {
    let z = 0;
    const base = c * D;
    for (let k = 0; k < row.idx.length; k++) z += w[base + row.idx[k]] * row.val[k];
    out[c] = z * scale + b[c];
  }
}

/** Softmax in place. */
function toProbabilities(z: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += z[c] = Math.exp(z[c] - max);
  for (let c = 0; c < z.length; c++) z[c] /= sum;
  return z;
}
