// Training the top on cached activations is the one loop where a step's work is all in trainable layers, so
// it is where data-parallel steps pay (trainPool.ts): this wraps fit() with a worker holding a replica, and
// falls back to the plain loop when there is one core, the batches are tiny or the model cannot split.
import type { ProgressEvent } from '../../shared/engineTypes';
import type * as tf from '../tf';
import { TrainPool, MIN_SHARD } from '../parallel/trainPool';
import { fit, type FitOptions, type FitResult } from './fitLoop';

type StepFn = NonNullable<FitOptions['step']>;

/** fit() with each batch split across the calling thread and a worker thread when that can pay. */
export async function fitDataParallel(o: FitOptions): Promise<FitResult> {
  const batch = Math.ceil(o.train.size / Math.max(1, o.train.batchCount));
  const pool = await startPool(o.model, batch);
  if (!pool) return fit(o);
  const note: ProgressEvent = {
    kind: 'log',
    level: 'info',
    message: 'Each batch is split across 2 threads, each with its own WASM instance and a replica of the top',
  };
  o.emit(note);
  try {
    return await fit({ ...o, step: poolStep(o.model, pool) });
  } finally {
    if (pool.broken) {
      const message = `The training worker failed (${pool.broken}); later batches trained on one thread`;
      o.emit({ kind: 'log', level: 'warn', message });
    }
    await pool.dispose();
  }
}

/** The worker fitDataParallel() trains with at this batch size, or undefined when it steps on one thread. */
export async function startPool(model: tf.LayersModel, batch: number): Promise<TrainPool | undefined> {
  return batch >= 2 * MIN_SHARD ? TrainPool.start(model) : undefined;
}

/** fitDataParallel()'s step: shards split one input along the batch; a model with several steps here. */
export function poolStep(model: tf.LayersModel, pool: TrainPool | undefined): StepFn {
  return (x, y) => (pool && !Array.isArray(x) ? pool.step(x, y) : (model.trainOnBatch(x, y) as Promise<number[]>));
}
