// Order statistics and a sample's spread, shared by the doctor's outlier fence, the fine-tuning estimate, the
// fused text model's length rule and weighting, and the benches: one definition, so a median or a standard
// error means the same thing everywhere.

/** Linear-interpolated quantile of unsorted values; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const at = q * (s.length - 1);
  const lo = Math.floor(at);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
}

/** The median of unsorted values (the mean of the middle two for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  return values.length === 0 ? 0 : quantile(values, 0.5);
}

/**
 * The mean, the sample standard deviation (n − 1 in the denominator) and the standard error of the mean: how the
 * benches' "mean ± standard error over seeds" and the fused weighting's out-of-fold comparison read a sample.
 * Zeros for no values; a single value has no spread.
 */
export function meanSpread(values: readonly number[]): { mean: number; sd: number; standardError: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const sd = Math.sqrt(values.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(1, n - 1));
  return { mean, sd, standardError: sd / Math.sqrt(Math.max(1, n)) };
}
