// Where a local run's time went, read from the progress events it already sends: each stage's wall time goes to
// one of the four timings (run.json and the CLI's result use the same names for Ray runs, which measure theirs
// directly). Reading the events keeps the clock out of every phase of the run.
import type { ProgressEvent, RunTimings } from './engineTypes';

type Bucket = keyof RunTimings | 'other';

/** The timing a progress event starts counting, or undefined when it does not change what the run does. */
function bucketOf(e: ProgressEvent): Bucket | undefined {
  if (e.kind === 'batch' || e.kind === 'epoch') return 'training';
  if (e.kind !== 'stage') return undefined;
  switch (e.stage) {
    case 'scanning':
    case 'loading-base':
      return 'startup';
    case 'caching-features':
      return 'features';
    case 'training':
      return 'training';
    case 'evaluating':
      return 'evaluation';
    default:
      // Saving the run folder is none of the four.
      return 'other';
  }
}

/** A clock that starts with the run: `observe` every progress event, then `timings()` at the end. */
export function timingClock(now: () => number = Date.now) {
  const seconds: Record<Bucket, number> = { startup: 0, features: 0, training: 0, evaluation: 0, other: 0 };
  let current: Bucket = 'startup';
  let since = now();
  const settle = () => {
    const t = now();
    seconds[current] += (t - since) / 1000;
    since = t;
  };
  return {
    observe(e: ProgressEvent): void {
      const next = bucketOf(e);
      if (next === undefined || next === current) return;
      settle();
      current = next;
    },
    timings(): RunTimings {
      settle();
      const { startup, features, training, evaluation } = seconds;
      return { startup, features, training, evaluation };
    },
  };
}
