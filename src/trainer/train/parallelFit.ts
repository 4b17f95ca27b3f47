// Training the top on cached activations (or on augmented activations, between runs of the frozen bottom)
// is where a step's work is all in trainable layers, so it is where data-parallel steps pay (trainPool.ts):
// this wraps fit() with a worker holding a replica, and falls back to the plain loop when there is one core,
// the batches are tiny or the model cannot split.
import type { ProgressEvent } from '../../shared/engineTypes';
import type * as tf from '../tf';
import { TrainPool, MIN_SHARD } from '../parallel/trainPool';
import { fit, type FitOptions, type FitResult } from './fitLoop';

type StepFn = NonNullable<FitOptions['step']>;

/**
 * fit() with each batch split across the calling thread and a worker thread when that can pay. The worker
 * boots (its own tfjs and WASM instance, 1–2 s) while the first batch is produced; the first step waits for it.
 */
export async function fitDataParallel(o: FitOptions): Promise<FitResult> {
  const batch = Math.ceil(o.train.size / Math.max(1, o.train.batchCount));
  const starting = startPool(o.model, batch);
  // Awaited by the first step and at the end; until then a failure must not count as unhandled.
  starting.catch(() => undefined);
  let step: StepFn | undefined;
  const firstStep: StepFn = async (x, y) => {
    if (!step) {
      const pool = await starting;
      if (pool) o.emit(SPLIT_NOTE);
      step = poolStep(o.model, pool);
    }
    return step(x, y);
  };
  try {
    return await fit({ ...o, step: firstStep });
  } finally {
    const pool = await starting;
    if (pool?.broken) {
      const message = `The training worker failed (${pool.broken}); later batches trained on one thread`;
      o.emit({ kind: 'log', level: 'warn', message });
    }
    await pool?.dispose();
  }
}

const SPLIT_NOTE: ProgressEvent = {
  kind: 'log',
  level: 'info',
  message: 'Each batch is split across 2 threads, each with its own WASM instance and a replica of the top',
};

/** The worker fitDataParallel() trains with at this batch size, or undefined when it steps on one thread. */
export async function startPool(model: tf.LayersModel, batch: number): Promise<TrainPool | undefined> {
  return batch >= 2 * MIN_SHARD ? TrainPool.start(model) : undefined;
}

/** fitDataParallel()'s step: shards split one input along the batch; a model with several steps here. */
export function poolStep(model: tf.LayersModel, pool: TrainPool | undefined): StepFn {
  return (x, y) => (pool && !Array.isArray(x) ? pool.step(x, y) : (model.trainOnBatch(x, y) as Promise<number[]>));
}
