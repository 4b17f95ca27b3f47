// "Compare Bases": what a probe of one base measured, and the pure rule that recommends one. Shared by the
// trainer (which measures), the CLI and the host (which show the table).

/** Fraction of each class the probe holds out to score each base (CLI default and the command's). */
export const PROBE_VALIDATION_SPLIT = 0.3;

/** One candidate base, probed at its default cut with a linear classifier on cached features. */
export interface ProbeRow {
  base: string;
  title: string;
  featureLayer: string;
  /** Validation accuracy of the linear probe, and its binomial standard error √(p(1−p)/n). */
  accuracy: number;
  standardError: number;
  validationImages: number;
  /** Seconds per image through the base up to the cut, measured on one batch on this machine. */
  secondsPerImage: number;
  /** Seconds spent extracting (0 when every feature came from the cache). */
  extractionSeconds: number;
  params: number;
  /** Bytes of the base's weight files. */
  bytes: number;
  /** Set when the base could not be probed; the other figures are then 0. */
  error?: string;
}

export interface ProbeResult {
  folder: string;
  classes: string[];
  split: { train: number; validation: number };
  rows: ProbeRow[];
  /** The recommended base, and why, in words. */
  recommended?: string;
  reason: string;
}

/**
 * The best base within the uncertainty, preferring the cheaper: every base whose accuracy is within one
 * combined standard error of the best counts as tied, and of those the fastest per image wins (then the smallest).
 */
export function recommendBase(rows: readonly ProbeRow[]): { recommended?: string; reason: string } {
  const ok = rows.filter((r) => !r.error);
  if (ok.length === 0) return { reason: 'no base could be probed' };
  const best = ok.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  const tied = ok.filter((r) => best.accuracy - r.accuracy <= Math.hypot(best.standardError, r.standardError));
  const pick = [...tied].sort((a, b) => a.secondsPerImage - b.secondsPerImage || a.params - b.params)[0];
  const pctOf = (r: ProbeRow) => `${(r.accuracy * 100).toFixed(1)} ± ${(r.standardError * 100).toFixed(1)}%`;
  if (tied.length === 1)
    return {
      recommended: pick.base,
      reason: `${pick.base} has the best validation accuracy (${pctOf(pick)}), beyond the others' uncertainty`,
    };
  if (pick === best)
    return {
      recommended: pick.base,
      reason: `${pick.base} is the most accurate (${pctOf(pick)}) and the cheapest of those within its uncertainty`,
    };
  return {
    recommended: pick.base,
    reason: `${pick.base} (${pctOf(pick)}) is within the uncertainty of the most accurate, ${best.base} (${pctOf(best)}), and cheaper (${pick.secondsPerImage.toFixed(3)} vs ${best.secondsPerImage.toFixed(3)} s per image)`,
  };
}

/** Binomial standard error of an accuracy measured on n images. */
export function binomialStandardError(p: number, n: number): number {
  return n > 0 ? Math.sqrt((p * (1 - p)) / n) : 0;
}

/** The probe's table as Markdown, for the editor (the CLI prints the same columns as plain text). */
export function probeMarkdown(r: ProbeResult): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const rows = r.rows.map((b) =>
    b.error
      ? `| ${b.base} | failed: ${b.error} | | | | |`
      : `| ${b.base} | ${pct(b.accuracy)} ± ${pct(b.standardError)} | ${b.featureLayer} | ${(b.secondsPerImage * 1000).toFixed(0)} ms | ${(b.params / 1e6).toFixed(2)} M | ${(b.bytes / 2 ** 20).toFixed(1)} MiB |`,
  );
  return [
    `# Compare Bases: ${r.folder}`,
    '',
    `A linear probe on each base's features at its default cut: ${r.split.train} training images, scored on ${r.split.validation} validation images (± one binomial standard error). Time per image measured on this machine.`,
    '',
    '| base | validation accuracy | cut | per image | parameters | size |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    r.recommended ? `**Recommended: ${r.recommended}.** ${r.reason}.` : `No recommendation: ${r.reason}.`,
    '',
  ].join('\n');
}
