// Whether the fused text model counts a term once (binary) or sublinearly, chosen on the training texts. The
// length rule (fusedShape.ts) says binary above a median of 100 words; on SpamAssassin that won 2–4 points at
// 10 and 50 e-mails per class and lost 0.6 at 200 (sublinear there matched the lexical model, seed for seed).
// So the rule's weighting is the default, and the other one replaces it only when cross-validation on the
// training split prefers it beyond chance: every training text is scored by the two models of the fold that
// left it out, and the other weighting must lower the mean log-loss by more than Z95 standard errors of the
// per-text differences (a paired test on the same texts; at 10 per class it is too noisy to move).
import { Z95 } from '../pairedStats';

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

/** −ln of the probability each text's own class got. */
export function logLosses(probs: readonly ArrayLike<number>[], labels: readonly number[]): number[] {
  return labels.map((y, i) => -Math.log(Math.max(MIN_PROBABILITY, probs[i][y])));
}

/** Compares per-text out-of-fold log-losses of the rule's weighting and the other one (same texts, same order). */
export function compareWeightings(rule: readonly number[], other: readonly number[]): WeightingVerdict {
  const n = Math.min(rule.length, other.length);
  const d = Array.from({ length: n }, (_, i) => rule[i] - other[i]);
  const mean = (xs: readonly number[]) => xs.slice(0, n).reduce((a, b) => a + b, 0) / Math.max(1, n);
  const gain = mean(d);
  const variance = d.reduce((a, x) => a + (x - gain) ** 2, 0) / Math.max(1, n - 1);
  const standardError = Math.sqrt(variance / Math.max(1, n));
  const switched = n > 1 && gain > Z95 * standardError && gain > 0;
  return { ruleLoss: mean(rule), otherLoss: mean(other), standardError, switched };
}
