// Whether the fused text model counts a term once (binary) or sublinearly, chosen on the training texts. The
// length rule (fusedShape.ts) says binary above a median of 100 words; on SpamAssassin that won 2–3 points at
// 10 and 50 e-mails per class and lost 0.6 at 200, where sublinear counts matched the lexical model seed for
// seed. So the rule's weighting is the default, and cross-validation on the training split may overrule it:
// every training text is scored by the two models of the fold that left it out, and the other weighting wins
// when it lowers the mean log-loss by more than one standard error of the per-text differences (a paired
// comparison on the same texts). One standard error, not a 95 % test: picking a weighting is a choice between
// two models, not a claim to prove, and the rule needs only to win near-ties (the one-standard-error rule of
// cross-validated model selection, Hastie et al., Elements of Statistical Learning, 7.10). At 1.96 standard
// errors binary counts stayed on 3 of 5 SpamAssassin splits of 200 per class, on one 1.6 points worse on test.
// The log-loss is taken after one temperature per weighting (fitted on its own out-of-fold scores): the
// L2-penalised head is under-confident (best temperatures 0.3–0.5), binary rows more so, and raw log-loss
// then preferred sublinear counts at 50 e-mails per class where they were less accurate. Compared at their
// own best sharpness, the two weightings are judged by how well they separate the classes.
/** Standard errors of the per-text differences by which the other weighting must lower the log-loss. */
export const SWITCH_MARGIN = 1;
/** Folds of the cross-validation (fewer when the smallest class has fewer texts). */
export const WEIGHTING_FOLDS = 5;
/** A probability below this counts as this in the log-loss, so one confident mistake cannot decide alone. */
const MIN_PROBABILITY = 1e-6;

/** The out-of-fold comparison: mean log-loss of each weighting, and whether the other one won. */
export interface WeightingVerdict {
  ruleLoss: number;
  otherLoss: number;
  /** Standard error of the mean per-text difference (rule − other). */
  standardError: number;
  switched: boolean;
}

/** Folds for a training split whose smallest class has `smallest` texts; 0 when no fold could hold one of each. */
export function weightingFolds(smallest: number): number {
  return smallest >= 2 ? Math.min(WEIGHTING_FOLDS, smallest) : 0;
}

/** −ln of the probability each text's own class got, after the softmax temperature `t` (1: as given). */
export function logLosses(probs: readonly ArrayLike<number>[], labels: readonly number[], t = 1): number[] {
  return labels.map((y, i) => {
    const z = Array.from(probs[i], (p) => Math.log(Math.max(MIN_PROBABILITY, p)) / t);
    const top = Math.max(...z);
    return top + Math.log(z.reduce((a, v) => a + Math.exp(v - top), 0)) - z[y];
  });
}

/** Temperatures tried: 0.1 to 10, 5 % apart. */
const TEMPERATURES = Array.from({ length: 95 }, (_, i) => 0.1 * 1.05 ** i);

/** The per-text log-losses at the temperature that makes their mean smallest. */
export function calibratedLosses(probs: readonly ArrayLike<number>[], labels: readonly number[]): number[] {
  let best = logLosses(probs, labels);
  let bestMean = mean(best);
  for (const t of TEMPERATURES) {
    const losses = logLosses(probs, labels, t);
    if (mean(losses) < bestMean) [best, bestMean] = [losses, mean(losses)];
  }
  return best;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * Compares per-text out-of-fold log-losses (calibrated) of the rule's weighting and the other one (same texts,
 * same order).
 */
export function compareWeightings(rule: readonly number[], other: readonly number[]): WeightingVerdict {
  const n = Math.min(rule.length, other.length);
  const d = Array.from({ length: n }, (_, i) => rule[i] - other[i]);
  const gain = mean(d);
  const variance = d.reduce((a, x) => a + (x - gain) ** 2, 0) / Math.max(1, n - 1);
  const standardError = Math.sqrt(variance / Math.max(1, n));
  const switched = n > 1 && gain > SWITCH_MARGIN * standardError && gain > 0;
  return { ruleLoss: mean(rule.slice(0, n)), otherLoss: mean(other.slice(0, n)), standardError, switched };
}
