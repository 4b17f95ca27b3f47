// Whether the fused text model counts a term once (binary) or sublinearly, chosen on the training texts. The
// length rule (fusedShape.ts) says binary above a median of 100 words; on SpamAssassin that won 2–3 points at
// 10 and 50 e-mails per class and lost 0.6 at 200, where sublinear counts matched the lexical model seed for
// seed. So cross-validation on the training split decides: every training text is scored by the two models of
// the fold that left it out, and the weighting with the lower mean log-loss wins; the rule's keeps ties. No
// margin of standard errors: picking a weighting is a choice between two models at equal cost, not a claim to
// prove. With a margin of 1.96 standard errors (a paired test) binary counts stayed on 3 of 5 SpamAssassin
// splits of 200 per class; with one standard error on 2 (the gains there were 0.5 and −0.1 standard errors).
// The log-loss is taken after one temperature per weighting (fitted on its own out-of-fold scores): the
// L2-penalised head is under-confident (best temperatures 0.3–0.5), binary rows more so, and raw log-loss
// then preferred sublinear counts at 50 e-mails per class where they were less accurate. Compared at their
// own best sharpness, the two weightings are judged by how well they separate the classes.
import { meanSpread } from '../stats';

/** Folds of the cross-validation (fewer when the smallest class has fewer texts). */
export const WEIGHTING_FOLDS = 5;
/** A probability below this counts as this in the log-loss, so one confident mistake cannot decide alone. */
const MIN_PROBABILITY = 1e-6;

/** The out-of-fold comparison: mean log-loss of each weighting, and whether the other one won (lower). */
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

const mean = (xs: readonly number[]) => meanSpread(xs).mean;

/**
 * Compares per-text out-of-fold log-losses (calibrated) of the rule's weighting and the other one (same texts,
 * same order).
 */
export function compareWeightings(rule: readonly number[], other: readonly number[]): WeightingVerdict {
  const n = Math.min(rule.length, other.length);
  const d = Array.from({ length: n }, (_, i) => rule[i] - other[i]);
  const { mean: gain, standardError } = meanSpread(d);
  const switched = n > 1 && gain > 0;
  return { ruleLoss: mean(rule.slice(0, n)), otherLoss: mean(other.slice(0, n)), standardError, switched };
}
