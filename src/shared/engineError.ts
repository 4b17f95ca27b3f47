// Errors the user can act on carry a message written for them; anything else is a bug and is reported
// as an internal error with the log. The worker maps these to jsonrpc error codes.

/** Bad input: unreadable data, a missing class folder, an unknown layer. The message says what to do. */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
  }
}

/** Thrown out of a running job when its cancellation token fires. */
export class CancelledError extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'CancelledError';
  }
}

/** Anything that can be asked whether the job should stop. */
export interface CancelSignal {
  readonly isCancellationRequested: boolean;
}

export const neverCancelled: CancelSignal = { isCancellationRequested: false };

export function throwIfCancelled(signal: CancelSignal): void {
  if (signal.isCancellationRequested) throw new CancelledError();
}
