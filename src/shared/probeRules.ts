// "Compare Bases": what a probe of one base measured, and the pure rule that recommends one. Shared by the
// trainer (which measures), the CLI and the host (which show the table).
import { comparePaired, wilsonInterval } from './pairedStats';

/** Fraction of each class the probe holds out to score each base (CLI default and the command's). */
export const PROBE_VALIDATION_SPLIT = 0.3;

/** One candidate base, probed at its default cut with a linear classifier on cached features. */
export interface ProbeRow {
  base: string;
  title: string;
  featureLayer: string;
  /** Validation accuracy of the linear probe, and its 95% Wilson interval. */
  accuracy: number;
  interval: [number, number];
  validationImages: number;
  /**
   * Per validation image, in the split's order (the same images for every base): whether the probe got it
   * right; null where the image could not be read for this base. The paired comparison uses it.
   */
  correct: (boolean | null)[];
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
  /** What was probed, in the plural, when not images (text probes say "texts"). */
  noun?: string;
}

/** Below this paired p-value a base counts as worse than the most accurate one. */
export const PROBE_SIGNIFICANCE = 0.05;

/** "92.6% (76.6–97.9%, n = 27)": accuracy, its 95% Wilson interval and how many images it rests on. */
export function accuracyWithInterval(r: Pick<ProbeRow, 'accuracy' | 'interval' | 'validationImages'>): string {
  const p = (x: number) => `${(x * 100).toFixed(1)}`;
  return `${p(r.accuracy)}% (${p(r.interval[0])}–${p(r.interval[1])}%, n = ${r.validationImages})`;
}

/** A row's accuracy, interval and n from its per-image outcomes. */
export function probeAccuracy(
  correct: readonly (boolean | null)[],
): Pick<ProbeRow, 'accuracy' | 'interval' | 'validationImages'> {
  const scored = correct.filter((c) => c !== null);
  const right = scored.filter(Boolean).length;
  return {
    accuracy: scored.length ? right / scored.length : 0,
    interval: wilsonInterval(right, scored.length),
    validationImages: scored.length,
  };
}

/**
 * The cheapest base not significantly worse than the most accurate: each base is compared with the best on the
 * same validation images (exact McNemar test on the images only one of the two got right); those with
 * p ≥ PROBE_SIGNIFICANCE count as tied, and of those the fastest per image wins (then the smallest).
 */
export function recommendBase(rows: readonly ProbeRow[], noun = 'image'): { recommended?: string; reason: string } {
  const ok = rows.filter((r) => !r.error);
  if (ok.length === 0) return { reason: 'no base could be probed' };
  const best = ok.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  const tests = new Map(ok.map((r) => [r, comparePaired(best.correct, r.correct)]));
  const tied = ok.filter((r) => r === best || tests.get(r)!.p >= PROBE_SIGNIFICANCE);
  const pick = [...tied].sort((a, b) => a.secondsPerImage - b.secondsPerImage || a.params - b.params)[0];
  if (tied.length === 1) {
    const others = ok.length > 1 ? ', significantly better than the others on the same images' : '';
    return { recommended: pick.base, reason: `${pick.base} has the best validation accuracy${others}` };
  }
  if (pick === best)
    return {
      recommended: pick.base,
      reason: `${pick.base} is the most accurate and the cheapest of those not significantly worse`,
    };
  const t = tests.get(pick)!;
  return {
    recommended: pick.base,
    reason:
      `${pick.base} is not significantly worse than the most accurate, ${best.base}, on the same ${t.both} ${noun}s ` +
      `(${t.onlyB} right only by ${pick.base}, ${t.onlyA} only by ${best.base}; exact McNemar p = ${t.p.toFixed(2)}), ` +
      `and cheaper (${seconds(pick.secondsPerImage)} vs ${seconds(best.secondsPerImage)} s per ${noun})`,
  };
}

/** Three decimals, or two significant digits below a millisecond (a text's features). */
const seconds = (s: number) => (s >= 0.001 ? s.toFixed(3) : s.toPrecision(2));

/** The probe's table as Markdown, for the editor (the CLI prints the same columns as plain text). */
export function probeMarkdown(r: ProbeResult): string {
  const rows = r.rows.map((b) =>
    b.error
      ? `| ${b.base} | failed: ${b.error} | | | | |`
      : `| ${b.base} | ${accuracyWithInterval(b)} | ${b.featureLayer} | ${(b.secondsPerImage * 1000).toFixed(0)} ms | ${(b.params / 1e6).toFixed(2)} M | ${(b.bytes / 2 ** 20).toFixed(1)} MiB |`,
  );
  return [
    `# Compare Bases: ${r.folder}`,
    '',
    `A linear probe on each base's features at its default cut: ${r.split.train} training images, scored on the same ${r.split.validation} validation images, with 95% Wilson intervals; a cheaper base is recommended when an exact McNemar test on those images finds it not significantly worse (p ≥ ${PROBE_SIGNIFICANCE}). Time per image measured on this machine.`,
    '',
    '| base | validation accuracy | cut | per image | parameters | size |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    r.recommended ? `**Recommended: ${r.recommended}.** ${r.reason}.` : `No recommendation: ${r.reason}.`,
    '',
  ].join('\n');
}
