// Honest numbers for accuracies measured on few images: the Wilson score interval (sensible at 0% and 100%,
// where p ± z·√(p(1−p)/n) collapses to ± 0), and the exact McNemar test for two classifiers scored on the same
// images (only the images exactly one of them got right say anything about which is better).

/** z of a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/** Wilson score interval of a proportion k/n; [0, 1] when n is 0. */
export function wilsonInterval(k: number, n: number, z = Z95): [number, number] {
  if (n <= 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At k = 0 or k = n one bound is exactly 0 or 1; rounding must not push it past.
  return [k === 0 ? 0 : Math.max(0, center - half), k === n ? 1 : Math.min(1, center + half)];
}

/** log of n choose k, exact enough for the binomial tails below (n up to millions). */
function logChoose(n: number, k: number): number {
  let sum = 0;
  for (let i = 1; i <= k; i++) sum += Math.log((n - k + i) / i);
  return sum;
}

/**
 * Two-sided exact McNemar p-value: with `onlyA` images only A got right and `onlyB` only B, the chance of a split
 * at least this uneven if both were equally good (each discordant image a fair coin).
 */
export function mcnemarExact(onlyA: number, onlyB: number): number {
  const n = onlyA + onlyB;
  if (n === 0) return 1;
  const k = Math.min(onlyA, onlyB);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, 2 * tail);
}

/** Two classifiers compared image by image: the discordant counts and the exact McNemar p-value. */
export interface PairedComparison {
  /** Images both were scored on. */
  both: number;
  onlyA: number;
  onlyB: number;
  p: number;
}

/**
 * Compares per-image outcomes (true = right) of A and B listed in the same image order; an image missing for
 * either (null: it could not be read for that base) is left out.
 */
export function comparePaired(a: readonly (boolean | null)[], b: readonly (boolean | null)[]): PairedComparison {
  let both = 0;
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === null || b[i] === null) continue;
    both++;
    if (a[i] && !b[i]) onlyA++;
    if (b[i] && !a[i]) onlyB++;
  }
  return { both, onlyA, onlyB, p: mcnemarExact(onlyA, onlyB) };
}
