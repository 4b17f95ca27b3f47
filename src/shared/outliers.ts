// Outliers: examples far from everything else in feature space (a stray screenshot among photos, a blank
// frame). Isolation is the mean cosine distance to the k nearest other examples; only isolation far above
// the set's own spread counts (Tukey's far-out fence, Q3 + 3·IQR), and never more than 1% of the set.
import { seededRandom, shuffled } from './seededRandom';
import { quantile } from './stats';

export const OUTLIER_NEIGHBOURS = 10;
export const OUTLIER_FENCE_IQR = 3;
/** At most this share of the set (rounded up) is called an outlier. */
export const OUTLIER_MAX_SHARE = 0.01;
/** Neighbours are looked for among at most this many examples (a seeded sample), so the cost stays linear. */
export const OUTLIER_REFERENCE = 2000;

/** Rows scaled to unit length, one flat array of n × dims (a zero row stays zero). */
export function unitRows(rows: readonly Float32Array[]): { data: Float32Array; dims: number } {
  const dims = rows[0]?.length ?? 0;
  const data = new Float32Array(rows.length * dims);
  rows.forEach((row, i) => {
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += row[d] * row[d];
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dims; d++) data[i * dims + d] = row[d] * scale;
  });
  return { data, dims };
}

/** Cosine of unit rows i and j. */
export function unitCosine(u: { data: Float32Array; dims: number }, i: number, j: number): number {
  const { data, dims } = u;
  let s = 0;
  for (let d = 0, a = i * dims, b = j * dims; d < dims; d++) s += data[a + d] * data[b + d];
  return s;
}

/** The rows neighbours are looked for among: all of them, or a seeded sample of OUTLIER_REFERENCE. */
export function referenceRows(n: number, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  return n > OUTLIER_REFERENCE ? shuffled(all, seededRandom(seed)).slice(0, OUTLIER_REFERENCE) : all;
}

/** Mean of the k smallest `distances`, leaving out position `self` (−1: none). */
export function meanNearest(distances: ArrayLike<number>, self: number, k: number): number {
  // The k smallest so far, ascending.
  const best: number[] = [];
  for (let j = 0; j < distances.length; j++) {
    const dist = distances[j];
    if (j === self || (best.length === k && dist >= best[k - 1])) continue;
    let at = best.length;
    while (at > 0 && best[at - 1] > dist) at--;
    best.splice(at, 0, dist);
    if (best.length > k) best.pop();
  }
  return best.reduce((a, b) => a + b, 0) / best.length;
}

/**
 * Mean cosine distance of each row to its k nearest other rows among the reference rows. The trainer
 * computes the same on tfjs matrix products (doctor/neighbours.ts); this one is for pure callers and tests.
 */
export function isolation(u: { data: Float32Array; dims: number }, seed: number, k = OUTLIER_NEIGHBOURS): number[] {
  const n = u.dims === 0 ? 0 : u.data.length / u.dims;
  const reference = referenceRows(n, seed);
  const kk = Math.min(k, reference.length - 1);
  if (kk < 1) return new Array<number>(n).fill(0);
  return Array.from({ length: n }, (_, i) => {
    const distances = reference.map((j) => 1 - unitCosine(u, i, j));
    return meanNearest(distances, reference.indexOf(i), kk);
  });
}

/** Indices above the fence, most isolated first, at most ⌈1%⌉ of the set; with the share of the set below each. */
export function outliers(scores: readonly number[]): { index: number; isolation: number; rank: number }[] {
  const q1 = quantile(scores, 0.25);
  const q3 = quantile(scores, 0.75);
  const fence = q3 + OUTLIER_FENCE_IQR * (q3 - q1);
  const cap = Math.ceil(OUTLIER_MAX_SHARE * scores.length);
  const sorted = [...scores].sort((a, b) => a - b);
  const below = (v: number) => {
    let lo = 0;
    while (lo < sorted.length && sorted[lo] < v) lo++;
    return lo / scores.length;
  };
  return scores
    .map((isolation, index) => ({ index, isolation }))
    .filter((s) => s.isolation > fence)
    .sort((a, b) => b.isolation - a.isolation || a.index - b.index)
    .slice(0, cap)
    .map((s) => ({ ...s, rank: below(s.isolation) }));
}
