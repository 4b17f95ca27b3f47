// Label issues from out-of-fold class probabilities, after confident learning (Northcutt, Jiang and Chuang,
// "Confident Learning: Estimating Uncertainty in Dataset Labels", JAIR 2021): per-class thresholds, the
// confident joint of given and likely labels, and prune-by-noise-rate. Pure arithmetic on probabilities,
// so it is tested without a model. Probabilities are one flat row-major array of n × classes.
import { seededRandom, shuffled } from './seededRandom';

/** How flagged examples are ordered, most suspect first. */
export type LabelRanking = 'self-confidence' | 'normalized-margin';

/** One example confident learning selects whose given label has probability below 0.5. */
export interface LabelIssue {
  index: number;
  given: number;
  /** The most probable other class. */
  likely: number;
  /** Probability of the given label. */
  selfConfidence: number;
  /** Probability of the given label minus the best other one, in −1…1. */
  margin: number;
}

/** Self-confidence below this is needed to flag an example (a selected example above it is left alone). */
export const MAX_FLAGGED_CONFIDENCE = 0.5;

/** Fold index (0 … k−1) of each example: every class is dealt round-robin over the folds after a seeded shuffle. */
export function stratifiedFolds(labels: readonly number[], k: number, seed: number): number[] {
  const random = seededRandom(seed);
  const folds = new Array<number>(labels.length).fill(0);
  const byClass = new Map<number, number[]>();
  labels.forEach((y, i) => byClass.set(y, [...(byClass.get(y) ?? []), i]));
  // Each class starts at the next fold, so small classes do not all pile into fold 0.
  let start = 0;
  for (const y of [...byClass.keys()].sort((a, b) => a - b)) {
    shuffled(byClass.get(y)!, random).forEach((i, r) => (folds[i] = (start + r) % k));
    start = (start + byClass.get(y)!.length) % k;
  }
  return folds;
}

/** The best class other than `given` in row `i`. */
function bestOther(probs: Float64Array, i: number, classes: number, given: number): number {
  let best = given === 0 ? 1 : 0;
  for (let c = 0; c < classes; c++) if (c !== given && probs[i * classes + c] > probs[i * classes + best]) best = c;
  return best;
}

/** Mean probability of class j over the examples labelled j (NaN for an empty class). */
export function classThresholds(probs: Float64Array, labels: readonly number[], classes: number): number[] {
  const sum = new Array<number>(classes).fill(0);
  const count = new Array<number>(classes).fill(0);
  labels.forEach((y, i) => {
    sum[y] += probs[i * classes + y];
    count[y]++;
  });
  return sum.map((s, c) => s / count[c]);
}

/**
 * The confident joint, calibrated so each row sums to its class's size: entry [i][j] estimates how many
 * examples labelled i belong to j.
 */
export function confidentJoint(probs: Float64Array, labels: readonly number[], classes: number): number[][] {
  const t = classThresholds(probs, labels, classes);
  const joint = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const counts = new Array<number>(classes).fill(0);
  labels.forEach((y, i) => {
    counts[y]++;
    let pick = -1;
    for (let c = 0; c < classes; c++) {
      const p = probs[i * classes + c];
      if (p >= t[c] && (pick < 0 || p > probs[i * classes + pick])) pick = c;
    }
    if (pick >= 0) joint[y][pick]++;
  });
  return joint.map((row, y) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? row : row.map((v) => (v * counts[y]) / total);
  });
}

/**
 * Which examples become issues. Both take as many as confident learning estimates are mislabelled (the
 * calibrated joint's off-diagonal counts, rounded); they differ in which ones:
 * - 'noise-rate' (prune by noise rate): for each given class i and other class j, the round(joint[i][j])
 *   examples labelled i with the largest margin p_j − p_i;
 * - 'ranked': that many from the top of the ranking over the whole set, so the reported list is the head of
 *   the ranking (see README "Data doctor" for the measurements behind the default).
 */
export type LabelSelection = 'noise-rate' | 'ranked';

export interface IssueOptions {
  /** How issues are ordered, most suspect first. */
  ranking: LabelRanking;
  selection: LabelSelection;
  /** `skip[c]` leaves class c's examples out (too few to judge). */
  skip?: readonly boolean[];
}

/** The selected examples whose self-confidence is below 0.5, most suspect first by `o.ranking`. */
export function labelIssues(
  probs: Float64Array,
  labels: readonly number[],
  classes: number,
  o: IssueOptions,
): LabelIssue[] {
  const skip = o.skip ?? [];
  const joint = confidentJoint(probs, labels, classes);
  const all = labels.flatMap((_, n) => (skip[labels[n]] ? [] : [issueAt(probs, labels, classes, n)]));
  const byRank = (a: LabelIssue, b: LabelIssue) =>
    suspicion(b, o.ranking) - suspicion(a, o.ranking) || a.index - b.index;
  const doubtful = all.filter((issue) => issue.selfConfidence < MAX_FLAGGED_CONFIDENCE).sort(byRank);
  if (o.selection === 'ranked') return doubtful.slice(0, estimatedIssues(joint, skip));
  const selected = pruneByNoiseRate(joint, probs, labels, classes, skip);
  return doubtful.filter((issue) => selected.has(issue.index));
}

/** How many labels confident learning estimates are wrong among the judged classes. */
function estimatedIssues(joint: number[][], skip: readonly boolean[]): number {
  let count = 0;
  joint.forEach((row, i) => {
    if (!skip[i]) row.forEach((v, j) => (count += j === i ? 0 : Math.round(v)));
  });
  return count;
}

function pruneByNoiseRate(
  joint: number[][],
  probs: Float64Array,
  labels: readonly number[],
  classes: number,
  skip: readonly boolean[],
): Set<number> {
  const selected = new Set<number>();
  for (let i = 0; i < classes; i++) {
    if (skip[i]) continue;
    const members = labels.flatMap((y, n) => (y === i ? [n] : []));
    for (let j = 0; j < classes; j++) {
      const take = j === i ? 0 : Math.round(joint[i][j]);
      if (take <= 0) continue;
      const margin = (n: number) => probs[n * classes + j] - probs[n * classes + i];
      // Ties go to the lower index, so the selection does not depend on the sort's stability.
      const order = [...members].sort((a, b) => margin(b) - margin(a) || a - b);
      order.slice(0, take).forEach((n) => selected.add(n));
    }
  }
  return selected;
}

/** Example n's given label, its best other class and both scores. */
function issueAt(probs: Float64Array, labels: readonly number[], classes: number, index: number): LabelIssue {
  const given = labels[index];
  const selfConfidence = probs[index * classes + given];
  const likely = bestOther(probs, index, classes, given);
  return { index, given, likely, selfConfidence, margin: selfConfidence - probs[index * classes + likely] };
}

/** 0–1, higher is more suspect: 1 − self-confidence, or the margin mapped from −1…1 onto 1…0. */
export function suspicion(issue: Pick<LabelIssue, 'selfConfidence' | 'margin'>, ranking: LabelRanking): number {
  return ranking === 'self-confidence' ? 1 - issue.selfConfidence : (1 - issue.margin) / 2;
}

/** Every example's suspicion under `ranking`, for measuring a ranking over the whole set. */
export function suspicions(
  probs: Float64Array,
  labels: readonly number[],
  classes: number,
  ranking: LabelRanking,
): number[] {
  return labels.map((_, i) => suspicion(issueAt(probs, labels, classes, i), ranking));
}

/** Pairs of classes predicted as each other for more than `minShare` of the smaller class, most confused first. */
export function confusedClassPairs(
  probs: Float64Array,
  labels: readonly number[],
  classes: number,
  minShare = 0.1,
): { a: number; b: number; count: number; share: number }[] {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const sizes = new Array<number>(classes).fill(0);
  labels.forEach((y, i) => {
    sizes[y]++;
    let top = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c] > probs[i * classes + top]) top = c;
    confusion[y][top]++;
  });
  const pairs: { a: number; b: number; count: number; share: number }[] = [];
  for (let a = 0; a < classes; a++)
    for (let b = a + 1; b < classes; b++) {
      const count = confusion[a][b] + confusion[b][a];
      const smaller = Math.min(sizes[a], sizes[b]);
      if (smaller > 0 && count > minShare * smaller) pairs.push({ a, b, count, share: count / smaller });
    }
  return pairs.sort((x, y) => y.share - x.share || x.a - y.a || x.b - y.b);
}
