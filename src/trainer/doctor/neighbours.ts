// Isolation (shared/outliers.ts) on tfjs matrix products: the cosines of a block of rows against every
// reference row are one product of unit rows, instead of n² dot products in plain JavaScript.
import { meanNearest, OUTLIER_NEIGHBOURS, referenceRows } from '../../shared/outliers';
import * as tf from '../tf';

/** Rows per product: 256 × 2,000 cosines are 2 MB. */
const BLOCK = 256;

/** Mean cosine distance of each unit row to its k nearest other rows among the reference rows. */
export function isolationOnEngine(u: { data: Float32Array; dims: number }, seed: number): number[] {
  const n = u.dims === 0 ? 0 : u.data.length / u.dims;
  const reference = referenceRows(n, seed);
  const k = Math.min(OUTLIER_NEIGHBOURS, reference.length - 1);
  if (k < 1) return new Array<number>(n).fill(0);
  const position = new Map(reference.map((j, at) => [j, at]));
  const out: number[] = [];
  const x = tf.tensor2d(u.data, [n, u.dims]);
  const ref = tf.gather(x, reference);
  try {
    for (let start = 0; start < n; start += BLOCK) {
      const size = Math.min(BLOCK, n - start);
      const block = tf.tidy(() => tf.sub(1, tf.matMul(tf.slice(x, [start, 0], [size, u.dims]), ref, false, true)));
      const distances = block.dataSync();
      block.dispose();
      for (let r = 0; r < size; r++) {
        const row = distances.subarray(r * reference.length, (r + 1) * reference.length);
        out.push(meanNearest(row, position.get(start + r) ?? -1, k));
      }
    }
  } finally {
    tf.dispose([x, ref]);
  }
  return out;
}
