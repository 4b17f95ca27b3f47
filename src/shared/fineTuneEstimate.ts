// The second phase's cost model (issue 29), pure so it can be tested apart from the timings it is fed. Each
// timing is the median of a few repeats after a warm-up: one step timed once on a loaded 2-core machine put
// the same top's epoch anywhere from 68 to 135 s. The step is timed the way the fit will take it (split
// across two threads when the fit splits it), and what happens once per trial (starting the training worker)
// is counted once, not per epoch.

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
 * Seconds of an augmented epoch: every training batch is decoded, augmented and run through the frozen bottom
 * (`produceSecondsPerExample`) while the top steps on the batch before it (frozenRunnerSource.ts reads one
 * batch ahead), so a batch costs the longer of the two, not their sum (the sum was 81 % high on faces).
 */
export function augmentedEpochSeconds(w: EpochWork & { produceSecondsPerExample: number }): number {
  const produce = w.batchSize * w.produceSecondsPerExample;
  return epochSeconds({ ...w, stepSeconds: Math.max(w.stepSeconds, produce) });
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
