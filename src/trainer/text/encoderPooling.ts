// Token embeddings → one vector per text, as sentence-transformers' Pooling and Normalize modules compute it
// (same clamps and epsilons), so our vectors match the torch model's within float rounding.
import type { EncoderMeta, EncoderPooling } from '../../shared/text/encoderMeta';

/** sentence-transformers clamps the token count at this before dividing. */
const MIN_COUNT = 1e-9;
/** torch.nn.functional.normalize's default eps. */
const NORM_EPS = 1e-12;

/** One batch of the encoder's output: [count, length, width] row-major, and the 0/1 mask [count, length]. */
export interface TokenBatch {
  embeddings: Float32Array;
  mask: ArrayLike<number | bigint>;
  count: number;
  length: number;
  width: number;
}

/** Which tokens of one text the mask keeps, read once: the pooling loops below visit each token per mode. */
function rowMask(b: TokenBatch, row: number): Uint8Array {
  const on = new Uint8Array(b.length);
  for (let t = 0; t < b.length; t++) on[t] = Number(b.mask[row * b.length + t]) !== 0 ? 1 : 0;
  return on;
}

function poolOne(b: TokenBatch, row: number, on: Uint8Array, mode: EncoderPooling, out: Float32Array, at: number) {
  const { embeddings: e, length, width } = b;
  const token = (t: number) => (row * length + t) * width;
  if (mode === 'cls' || mode === 'lasttoken') {
    let t = 0;
    if (mode === 'lasttoken') for (let k = 0; k < length; k++) if (on[k]) t = k;
    out.set(e.subarray(token(t), token(t) + width), at);
    return;
  }
  const max = mode === 'max';
  const acc = new Float64Array(width).fill(max ? -Infinity : 0);
  let count = 0;
  for (let t = 0; t < length; t++) {
    const base = token(t);
    if (!on[t]) {
      // Padding counts as -1e9 in sentence-transformers' max: it only wins when every token is padding.
      if (max) for (let d = 0; d < width; d++) acc[d] = Math.max(acc[d], -1e9);
      continue;
    }
    count++;
    if (max) for (let d = 0; d < width; d++) acc[d] = Math.max(acc[d], e[base + d]);
    else for (let d = 0; d < width; d++) acc[d] += e[base + d];
  }
  const divide = max ? 1 : mode === 'mean' ? Math.max(count, MIN_COUNT) : Math.sqrt(Math.max(count, MIN_COUNT));
  for (let d = 0; d < width; d++) out[at + d] = acc[d] / divide;
}

/** The sentence vectors of a batch, each `poolings.length × width` long. */
export function poolTokens(b: TokenBatch, meta: EncoderMeta): Float32Array[] {
  const size = meta.poolings.length * b.width;
  return Array.from({ length: b.count }, (_, row) => {
    const out = new Float32Array(size);
    const on = rowMask(b, row);
    meta.poolings.forEach((mode, k) => poolOne(b, row, on, mode, out, k * b.width));
    if (meta.normalize) normalizeInPlace(out);
    return out;
  });
}

function normalizeInPlace(v: Float32Array): void {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.max(Math.sqrt(sum), NORM_EPS);
  for (let i = 0; i < v.length; i++) v[i] /= norm;
}
