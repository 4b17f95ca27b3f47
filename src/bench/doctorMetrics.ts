// What the doctor's evaluation reports: ranking quality against the planted flips (precision at k, average
// precision = area under the precision–recall curve), the flagged set, duplicates against pixel distance.
import type { DoctorFinding } from '../shared/doctorTypes';
import { meanSpread } from '../shared/stats';
import { pixelDistance, smallPixels, type Planted } from './doctorPlant';

export type Figures = Record<string, number>;

/** Precision among the first k of `order` (indices), and average precision over the whole order. */
export function rankingQuality(order: readonly number[], positive: (i: number) => boolean, k: number) {
  let hits = 0;
  let sum = 0;
  let atK = 0;
  order.forEach((i, r) => {
    if (positive(i)) {
      hits++;
      sum += hits / (r + 1);
    }
    if (r + 1 === k) atK = hits / k;
  });
  return { atK, ap: hits === 0 ? 0 : sum / hits };
}

/** A way to report label issues: which examples are flagged, and the score that orders every example. */
export interface LabelVariant {
  flagged: ReadonlySet<string>;
  score: readonly number[];
}

/**
 * Label figures among real examples (strays and copies are measured by their own checks), for each variant
 * under its name: precision at k and PR-AUC of its order (flagged first, each part by score), the flagged
 * set's size, precision and recall. A variant that flags nothing is a plain ranking of the whole set.
 */
export function labelFigures(
  paths: readonly string[],
  planted: Planted,
  variants: Record<string, LabelVariant>,
): Figures {
  const copies = new Set(planted.copies.map(([c]) => c));
  const population = paths.flatMap((p, i) => (planted.strays.has(p) || copies.has(p) ? [] : [i]));
  const positive = (i: number) => planted.flipped.has(paths[i]);
  const k = population.filter(positive).length;
  const out: Figures = { flips: k };
  for (const [name, { flagged, score }] of Object.entries(variants)) {
    const first = (i: number) => Number(flagged.has(paths[i]));
    const order = [...population].sort((a, b) => first(b) - first(a) || score[b] - score[a] || a - b);
    const q = rankingQuality(order, positive, k);
    out[`${name}PrecisionAtK`] = q.atK;
    out[`${name}PrAuc`] = q.ap;
    if (flagged.size === 0) continue;
    const inFlagged = population.filter((i) => flagged.has(paths[i]));
    const truePositives = inFlagged.filter(positive).length;
    out[`${name}Flagged`] = inFlagged.length;
    out[`${name}FlaggedPrecision`] = inFlagged.length ? truePositives / inFlagged.length : 0;
    out[`${name}FlaggedRecall`] = k ? truePositives / k : 0;
  }
  return out;
}

/**
 * Duplicate recall and false duplicates per 1,000 images. Truth: a planted copy and its original, or two files
 * whose 28×28 gray pixels are identical (pixel distance 0). A looser pixel threshold cannot be the truth on
 * these sets: distinct thin MNIST digits differ by a mean of 1% while a resized copy differs by 3–5%.
 */
export async function duplicateFigures(
  paths: readonly string[],
  planted: Planted,
  findings: readonly DoctorFinding[],
): Promise<Figures> {
  const pixels = await smallPixels(paths);
  const index = new Map(paths.map((p, i) => [p, i]));
  const copyOf = new Map(planted.copies.map(([c, o]) => [index.get(c)!, index.get(o)!]));
  const same = (i: number, j: number) =>
    copyOf.get(i) === j || copyOf.get(j) === i || pixelDistance(pixels[i], pixels[j]) === 0;
  const group = paths.map((p) => p);
  const reported: [number, number][] = [];
  for (const f of findings)
    if ((f.kind === 'duplicate' || f.kind === 'near-duplicate') && f.duplicateOf) {
      group[index.get(f.path)!] = f.duplicateOf;
      reported.push([index.get(f.path)!, index.get(f.duplicateOf)!]);
    }
  let truth = 0;
  let found = 0;
  for (let i = 0; i < paths.length; i++)
    for (let j = i + 1; j < paths.length; j++)
      if (same(i, j)) {
        truth++;
        if (group[i] === group[j]) found++;
      }
  const wrong = reported.filter(([a, b]) => !same(a, b)).length;
  return {
    plantedCopies: planted.copies.length,
    samePicturePairs: truth,
    duplicateRecall: truth ? found / truth : 1,
    duplicatesReported: reported.length,
    falseDuplicatesPer1000: (1000 * wrong) / paths.length,
  };
}

/** Mean and standard deviation over seeds of every figure, as "m ± sd" with 3 decimals. */
export function spread(rows: readonly Figures[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(rows[0] ?? {})) {
    const { mean, sd } = meanSpread(rows.map((r) => r[key]));
    out[key] = `${mean.toFixed(3)} ± ${sd.toFixed(3)}`;
  }
  return out;
}
