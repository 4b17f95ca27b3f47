// Progress of the trainer's other long requests (evaluate, embed) for their notifications. The training
// service keeps only a training's events; these used to be dropped. No vscode here: a test drives it with
// the real trainer.
import type { ProgressEvent } from '../../shared/engineTypes';
import { describeProgress } from './progressText';

/** Where progress events come from: the host's trainer process, or a client of its own in a test. */
export type ProgressSource = (listener: (e: ProgressEvent) => void) => { dispose(): void };

/**
 * Runs a request and, while it is pending, passes each of the trainer's progress events to `report` in
 * words (a notification's message). A training's epochs and batches are its own view's business: only stages
 * and warnings are passed, so a training queued before the request does not speak in its name.
 */
export async function withRequestProgress<T>(
  source: ProgressSource,
  report: (message: string) => void,
  run: () => Promise<T>,
): Promise<T> {
  const subscription = source((e) => {
    const message =
      e.kind === 'log'
        ? e.level === 'warn'
          ? e.message
          : undefined
        : e.kind === 'stage'
          ? describeProgress(e)
          : undefined;
    if (message) report(message);
  });
  try {
    return await run();
  } finally {
    subscription.dispose();
  }
}
