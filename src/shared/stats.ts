// Order statistics shared by the doctor's outlier fence, the fine-tuning estimate and the fused text model's
// length rule: one definition, so a median means the same thing everywhere.

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
