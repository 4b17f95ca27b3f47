// Rows of a batch of model inputs (one InputArray per input, batch first), without tfjs: the feature pool
// shards a batch by rows across its threads, and the frozen runtimes read how many examples a batch holds.
import type { InputArray } from './dataKind';

/** Examples in a batch: the rows of its first input. */
export function exampleCount(inputs: readonly InputArray[]): number {
  return inputs[0]?.shape[0] ?? 0;
}

/** Elements of one example of an input (its shape without the batch). */
export function rowLength(input: Pick<InputArray, 'shape'>): number {
  return input.shape.slice(1).reduce((a, b) => a * b, 1);
}

/**
 * Rows [from, from + count) of every input: views of the same memory for this thread, or copies (`copy`)
 * whose buffers can be transferred to a worker thread.
 */
export function inputRows(inputs: readonly InputArray[], from: number, count: number, copy: boolean): InputArray[] {
  return inputs.map((a) => {
    const per = rowLength(a);
    const [start, end] = [from * per, (from + count) * per];
    const data = copy ? a.data.slice(start, end) : a.data.subarray(start, end);
    return { ...a, data, shape: [count, ...a.shape.slice(1)] };
  });
}
