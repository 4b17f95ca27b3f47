// The second phase's cost model (issue 29), pure so it can be tested apart from the timings it is fed. Each
// timing is the median of a few repeats after a warm-up: one step timed once on a loaded 2-core machine put
// the same top's epoch anywhere from 68 to 135 s. The step is timed the way the fit will take it (split
// across two threads when the fit splits it), and what happens once per trial (starting the training worker)
// is counted once, not per epoch.

import { bottomEpochs } from './augmentedVariants';
import { median } from './stats';

/** Timed repeats of a step or of a forward pass after the warm-up; their median is the figure used. */
export const TIMED_REPEATS = 3;

/** What one epoch of the top is made of. */
export interface EpochWork {
  trainExamples: number;
  batchSize: number;
  /** One optimizer step at the full batch size. */
  stepSeconds: number;
  validationExamples: number;
  /** The top's forward pass per validation example. */
  predictSecondsPerExample: number;
}

/**
 * Seconds of one epoch: a step per batch (the last, partial batch costs a step's fixed part and its share of
 * the rest, so it counts in proportion to its size but at least half a step) and the validation pass.
 */
export function epochSeconds(w: EpochWork): number {
  const full = Math.floor(w.trainExamples / w.batchSize);
  const rest = (w.trainExamples % w.batchSize) / w.batchSize;
  const partial = rest > 0 ? Math.max(0.5, rest) : 0;
  return (full + partial) * w.stepSeconds + w.validationExamples * w.predictSecondsPerExample;
}

/**
 * An augmented trial's costs, measured by running its own loop for two short epochs on a few batches
 * (augmentedCost.ts): a model of the parts (producing a batch against the step on the batch before it) missed
 * by −31 % to −70 %, because ONNX Runtime's bottom, decoding and the step share two cores and the trial's start
 * (the runtime's session, the first decoding) was not in it.
 */
export interface AugmentedCosts {
  /** Once per trial: the bottom's session, compiling, the first batch's wait beyond a batch's time. */
  startSeconds: number;
  /** A batch in the first epoch, whose images are decoded for the first time. */
  firstBatchSeconds: number;
  /** A batch once the decoded images are kept (later epochs). */
  batchSeconds: number;
  /** Share of the training examples whose decoded images are kept between epochs (decodedMemo.ts). */
  keptFraction: number;
  /** Augmented passes kept (augmentedVariants.ts): later epochs replay them; 0 augments anew every epoch. */
  variants: number;
  /** An epoch that replays a kept pass: the top's steps on activations in memory, as a cached epoch. */
  replayEpochSeconds: number;
}

/**
 * Seconds an augmented trial of `epochs` epochs takes: its start; each epoch that augments and runs the bottom,
 * its batches (counted as epochSeconds() counts steps) and validation pass, and the decoding of every image in
 * the first epoch and, later, of those the memory budget does not keep; each epoch that replays a kept pass, a
 * cached epoch.
 */
export function augmentedTrialSeconds(w: EpochWork, c: AugmentedCosts, epochs: number): number {
  if (epochs <= 0) return c.startSeconds;
  const fresh = bottomEpochs(epochs, c.variants);
  const steady = epochSeconds({ ...w, stepSeconds: c.batchSeconds });
  const decoding = epochSeconds({
    ...w,
    stepSeconds: Math.max(0, c.firstBatchSeconds - c.batchSeconds),
    validationExamples: 0,
  });
  const replayed = (epochs - fresh) * c.replayEpochSeconds;
  return c.startSeconds + fresh * steady + decoding * (1 + (fresh - 1) * (1 - c.keptFraction)) + replayed;
}

/** When a batch of a measured epoch finished (ms, Date.now()). */
export interface BatchDone {
  epoch: number;
  at: number;
}

/**
 * The costs of an augmented trial from when each batch of its measured run finished (two epochs of the same
 * few batches, started at `started`): a batch is the median gap between batches of an epoch (the first gap of
 * the second epoch holds the validation pass, so it is left out), the start what the first batch took beyond
 * one. An epoch of one batch has no gap: its batch is then what it took from the end of the one before.
 */
export function augmentedCostsFrom(
  started: number,
  done: readonly BatchDone[],
  kept: Pick<AugmentedCosts, 'keptFraction' | 'variants' | 'replayEpochSeconds'>,
): AugmentedCosts {
  const of = (epoch: number) => done.filter((d) => d.epoch === epoch).map((d) => d.at);
  const [first, second] = [of(1), of(2)];
  const gaps = (at: number[]) => at.slice(1).map((t, i) => (t - at[i]) / 1000);
  const lone = (at: number[], before: number) => (at.length > 0 ? (at[0] - before) / 1000 : 0);
  const batch = (at: number[], before: number) => (at.length > 1 ? median(gaps(at)) : lone(at, before));
  const firstBatchSeconds = batch(first, started);
  const batchSeconds = second.length > 0 ? batch(second, first.at(-1) ?? started) : firstBatchSeconds;
  const startSeconds = Math.max(0, lone(first, started) - firstBatchSeconds);
  return { startSeconds, firstBatchSeconds, batchSeconds, ...kept };
}

/** What a trial costs once, and per epoch. */
export interface TrialCosts {
  /** Once per trial: starting the training worker, compiling. */
  startSeconds: number;
  /** Once per trial: reading the cached activations back, the frozen bottom for those not cached. */
  computeSeconds: number;
  epochSeconds: number;
}

/** Seconds a trial of `epochs` epochs takes, all told. */
export function trialSeconds(c: TrialCosts, epochs: number): number {
  return c.startSeconds + c.computeSeconds + epochs * c.epochSeconds;
}

/**
 * The seconds to reserve for the next epoch: once an epoch has run, the longest of the last two (they ran
 * under the load of now, which the estimate made before starting could not know); before that, the estimate.
 */
export function nextEpochSeconds(estimate: number, ranSeconds: readonly number[]): number {
  if (ranSeconds.length === 0) return estimate;
  return Math.max(...ranSeconds.slice(-2));
}
