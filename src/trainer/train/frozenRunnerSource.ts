// Batches through a frozen part on its runner (ONNX Runtime when it loads, see frozenRuntime.ts), one batch
// ahead: while the top trains on batch k, batch k + 1 is decoded (sharp, on libuv's threads). The runner's
// own pass does not overlap the step: onnxruntime-node runs a session synchronously on the calling thread.
import { inputArrays } from '../data/kinds/tensors';
import type { FrozenRunner } from '../runtime/frozenRuntime';
import * as tf from '../tf';
import type { Batch, BatchSource } from './fitLoop';

/** `images` through `runner`; `shape` is the frozen part's output shape without the batch dimension. */
export function frozenRunnerSource(images: BatchSource, runner: FrozenRunner, shape: number[]): BatchSource {
  const through = async (batch: Batch): Promise<Batch> => {
    const x = batch.x as tf.Tensor;
    const n = batch.y.shape[0];
    try {
      const inputs = await inputArrays(x);
      x.dispose();
      return { ...batch, x: tf.tensor(await runner.run(inputs), [n, ...shape]) };
    } catch (e) {
      tf.dispose([x, batch.y]);
      throw e;
    }
  };
  return {
    size: images.size,
    batchCount: images.batchCount,
    async *batches(epoch: number): AsyncIterable<Batch> {
      const it = images.batches(epoch)[Symbol.asyncIterator]();
      const ahead = (): Promise<Batch | undefined> => {
        const p = it.next().then((r) => (r.done ? undefined : through(r.value)));
        // Awaited later; until then a failure must not count as unhandled.
        p.catch(() => undefined);
        return p;
      };
      let pending: Promise<Batch | undefined> | undefined = ahead();
      try {
        for (;;) {
          const batch: Batch | undefined = await pending;
          pending = undefined;
          if (!batch) return;
          pending = ahead();
          yield batch;
        }
      } finally {
        // The consumer stopped early (cancelled, failed): the batch computed ahead is nobody's.
        const left = await pending?.catch(() => undefined);
        if (left) tf.dispose([left.x as tf.Tensor, left.y]);
        await it.return?.();
      }
    },
  };
}
