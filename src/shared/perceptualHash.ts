// A 64-bit perceptual hash (the DCT "pHash"): the 8×8 lowest frequencies of a 32×32 grayscale image, each
// bit saying whether a coefficient is above their median. Re-encoding, resizing and mild brightness changes
// move few bits; different images differ in about half. Stored as 16 hex digits.

/** Side of the grayscale image the hash is computed from. */
export const HASH_SIDE = 32;
const LOW = 8;

/** cos((2x + 1)·u·π / 64) for u < 8, x < 32: the only DCT terms the hash needs. */
const COS = Array.from({ length: LOW }, (_, u) =>
  Float64Array.from({ length: HASH_SIDE }, (_, x) => Math.cos(((2 * x + 1) * u * Math.PI) / (2 * HASH_SIDE))),
);

/** The hash of 32×32 row-major 8-bit gray pixels. */
export function perceptualHash(gray: Uint8Array): string {
  if (gray.length !== HASH_SIDE * HASH_SIDE) throw new Error(`perceptualHash needs ${HASH_SIDE}² pixels`);
  // Separable DCT: 8 coefficients along each row, then 8 down each of those columns.
  const rows = new Float64Array(HASH_SIDE * LOW);
  for (let y = 0; y < HASH_SIDE; y++)
    for (let u = 0; u < LOW; u++) {
      let s = 0;
      for (let x = 0; x < HASH_SIDE; x++) s += gray[y * HASH_SIDE + x] * COS[u][x];
      rows[y * LOW + u] = s;
    }
  const coef = new Float64Array(LOW * LOW);
  for (let v = 0; v < LOW; v++)
    for (let u = 0; u < LOW; u++) {
      let s = 0;
      for (let y = 0; y < HASH_SIDE; y++) s += rows[y * LOW + u] * COS[v][y];
      coef[v * LOW + u] = s;
    }
  // The DC term is the mean brightness: it takes no part in the median, which it would dominate.
  const median = [...coef.subarray(1)].sort((a, b) => a - b)[31];
  let hex = '';
  for (let nibble = 0; nibble < 16; nibble++) {
    let v = 0;
    for (let b = 0; b < 4; b++) v = (v << 1) | (coef[nibble * 4 + b] > median ? 1 : 0);
    hex += v.toString(16);
  }
  return hex;
}

/** Bits set in a 32-bit integer. */
function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** A hash as two 32-bit words, for comparing many pairs. */
export function hashWords(hex: string): [number, number] {
  return [parseInt(hex.slice(0, 8), 16) >>> 0, parseInt(hex.slice(8, 16), 16) >>> 0];
}

/** Bits that differ between two hashes. */
export function hammingDistance(a: string, b: string): number {
  const [a0, a1] = hashWords(a);
  const [b0, b1] = hashWords(b);
  return popcount32((a0 ^ b0) >>> 0) + popcount32((a1 ^ b1) >>> 0);
}

/** Bits that differ between two hashes given as words. */
export function wordDistance(a: readonly [number, number], b: readonly [number, number]): number {
  return popcount32((a[0] ^ b[0]) >>> 0) + popcount32((a[1] ^ b[1]) >>> 0);
}
