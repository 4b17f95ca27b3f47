// The automatic fine-tune's log lines: what a trial was compared with, and what its estimate was made of.
import type { EpochMetrics, Trial } from '../../shared/evaluationTypes';
import type { AugmentedCosts } from '../../shared/fineTuneEstimate';
import type { TopPlan } from './fineTunePlan';

/** How a trial's validation figures compare with the best so far. */
export function comparison(m: EpochMetrics, best: Trial, better: boolean): string {
  const figures = (acc: number | undefined, loss: number | undefined) => `accuracy ${fmt(acc)}, loss ${fmt(loss)}`;
  return `validation ${figures(m.valAccuracy, m.valLoss)} ${better ? 'beats' : 'does not beat'} ${best.name}'s ${figures(best.valAccuracy, best.valLoss)}`;
}

/** What the augmented loop's short run measured, for the log. */
export function augmentedLine(c: AugmentedCosts): string {
  return (
    `Automatic flow: fine-tune + augmentation measured on a few batches: start ${c.startSeconds.toFixed(1)} s, ` +
    `a batch ${c.firstBatchSeconds.toFixed(2)} s in the first epoch (images decoded) and ` +
    `${c.batchSeconds.toFixed(2)} s after, ${(c.keptFraction * 100).toFixed(0)} % of the decoded images kept` +
    (c.variants > 0 ? `; epochs after the first ${c.variants} replay kept passes` : '')
  );
}

/** What an estimate is made of, for the log. */
export function estimateParts(p: TopPlan): string {
  const w = p.work;
  return (
    `start ${p.startSeconds.toFixed(1)} s, an epoch ${p.epochSeconds.toFixed(1)} s: ` +
    `${(w.trainExamples / w.batchSize).toFixed(1)} steps of ${w.stepSeconds.toFixed(3)} s, validation ` +
    `${(w.validationExamples * w.predictSecondsPerExample).toFixed(1)} s`
  );
}

const fmt = (v: number | undefined) => (v === undefined ? '?' : v.toFixed(3));
