// What the doctor's evaluation reports: ranking quality against the planted flips (precision at k, average
// precision = area under the precision–recall curve), the flagged set, duplicates against pixel distance.
import type { DoctorFinding } from '../shared/doctorTypes';
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

/**
 * Label figures among real examples (strays and copies are measured by their own checks): the doctor's order
 * (flagged first) by self-confidence and by normalised margin, against "lowest probability of the given label".
 */
export function labelFigures(
  paths: readonly string[],
  planted: Planted,
  flagged: ReadonlySet<string>,
  selfConfidence: readonly number[],
  margin: readonly number[],
): Figures {
  const copies = new Set(planted.copies.map(([c]) => c));
  const population = paths.flatMap((p, i) => (planted.strays.has(p) || copies.has(p) ? [] : [i]));
  const positive = (i: number) => planted.flipped.has(paths[i]);
  const k = population.filter(positive).length;
  const by = (score: readonly number[], flaggedFirst: boolean) =>
    [...population].sort(
      (a, b) =>
        (flaggedFirst ? Number(flagged.has(paths[b])) - Number(flagged.has(paths[a])) : 0) ||
        score[b] - score[a] ||
        a - b,
    );
  const doctor = rankingQuality(by(selfConfidence, true), positive, k);
  const doctorMargin = rankingQuality(by(margin, true), positive, k);
  const baseline = rankingQuality(by(selfConfidence, false), positive, k);
  const inFlagged = population.filter((i) => flagged.has(paths[i]));
  const truePositives = inFlagged.filter(positive).length;
  return {
    flips: k,
    precisionAtK: doctor.atK,
    precisionAtKMargin: doctorMargin.atK,
    precisionAtKBaseline: baseline.atK,
    prAuc: doctor.ap,
    prAucMargin: doctorMargin.ap,
    prAucBaseline: baseline.ap,
    flagged: inFlagged.length,
    flaggedPrecision: inFlagged.length ? truePositives / inFlagged.length : 0,
    flaggedRecall: k ? truePositives / k : 0,
  };
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
    const v = rows.map((r) => r[key]);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
    out[key] = `${mean.toFixed(3)} ± ${sd.toFixed(3)}`;
  }
  return out;
}
