// What a fine-tuning trial would cost, measured before deciding whether the budget affords it: the frozen
// bottom's time per example (on the runtime that will compute the activations) and the top's time per step,
// on one small batch of random input of the run's kind.
import type { TrainRecipe } from '../../shared/engineTypes';
import { TIMED_REPEATS } from '../../shared/fineTuneEstimate';
import { median } from '../../shared/stats';
import type { KindInput } from '../../shared/inputSpec';
import type { Split } from '../../shared/split';
import { dataKind } from '../data/kinds/registry';
import { inputArrays } from '../data/kinds/tensors';
import type { FrozenSplit } from '../models/frozenSplit';
import { startFrozenRunner } from '../runtime/frozenRuntime';
import * as tf from '../tf';
import { compileForTraining } from './fitLoop';
import { poolStep, startPool } from './parallelFit';

/** Examples in the batch that measures step and forward times. */
const MEASURE_BATCH = 8;

export interface CostInput {
  input: KindInput;
  recipe: Pick<TrainRecipe, 'batchSize' | 'optimizer'>;
  split: Pick<Split, 'train'>;
  classes: number;
}

export interface Costs {
  bottomSecondsPerImage: number;
  /** One training step of the top at the recipe's batch size, taken as the fit takes it (one or two threads). */
  stepSeconds: number;
  /** The top's forward pass per example (what validation costs each epoch). */
  topSecondsPerImage: number;
  /** Starting the fit's training worker and its first, cold step (once per trial). */
  startSeconds: number;
}

/**
 * Seconds per example through the frozen bottom, per training step of the top and per example through the
 * top alone, measured on random input before anything is decided. The step is timed at the recipe's batch
 * size (a step's fixed costs made a small batch scaled up overestimate it) and through the same worker the
 * fit splits its batches with (timed on one thread, it was 17 % low to 118 % high of what two threads took,
 * depending on the load). Each figure is the median of TIMED_REPEATS after a warm-up. The top's weights are
 * restored afterwards (the steps changed them). The bottom is timed only when `bottomRuns` (activations not
 * cached, or augmented epochs); else its figure is 0.
 */
export async function measureCosts(part: FrozenSplit, o: CostInput, bottomRuns: boolean): Promise<Costs> {
  const top = await measureTop(part, o);
  return { ...top, bottomSecondsPerImage: bottomRuns ? await measureBottom(part, o) : 0 };
}

/**
 * The frozen bottom's seconds per example, on the runtime that will compute the activations (ONNX Runtime's
 * threads, or WASM: a WASM measurement overestimated ONNX Runtime's work several times over). Starting that
 * runtime costs seconds of the budget, so it is measured only when the bottom will run.
 */
async function measureBottom(part: FrozenSplit, o: CostInput): Promise<number> {
  // A small batch keeps the measurement cheap: the cost per example hardly depends on the batch.
  const n = Math.min(MEASURE_BATCH, o.recipe.batchSize, Math.max(1, o.split.train.length));
  const bottom = await startFrozenRunner(part.bottom);
  const xs = dataKind(o.input).randomInputs(o.input, n);
  try {
    const inputs = await inputArrays(xs);
    return (await repeatTimed(() => bottom.run(inputs))).seconds / n;
  } finally {
    tf.dispose(xs);
    await bottom.dispose();
  }
}

/**
 * The top's step, forward pass and start, on random activations of its input's shape. The first step of a top
 * in this process is slow on the calling thread (5.3 s against 0.8 s steady, measured at load 8) and the fit
 * does not pay that again; a new worker's first step is slow too (2.3 s) and the fit's new worker does pay it.
 * So one step on the calling thread warms it before the worker starts, and the worker's cold first step is
 * what the start counts beyond a steady step (counting the calling thread's had made the start 7.3 s against
 * about 2 s taken).
 */
async function measureTop(part: FrozenSplit, o: CostInput): Promise<Omit<Costs, 'bottomSecondsPerImage'>> {
  const batch = Math.min(o.recipe.batchSize, Math.max(1, o.split.train.length));
  const saved = part.top.getWeights().map((t) => t.clone());
  const shape = part.top.inputs[0].shape.slice(1) as number[];
  const act = tf.randomUniform([batch, ...shape]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.zeros([batch], 'int32') as tf.Tensor1D, o.classes), 'float32'));
  let pool: Awaited<ReturnType<typeof startPool>>;
  try {
    compileForTraining(part.top, 1e-9, o.recipe.optimizer);
    await part.top.trainOnBatch(act, y);
    const t0 = Date.now();
    pool = await startPool(part.top, batch);
    const startSeconds = (Date.now() - t0) / 1000;
    const step = poolStep(part.top, pool);
    const steps = await repeatTimed(() => step(act, y));
    const predict = async () => {
      const predicted = part.top.predict(act) as tf.Tensor;
      await predicted.data();
      predicted.dispose();
    };
    const topSecondsPerImage = (await repeatTimed(predict)).seconds / batch;
    const cold = Math.max(0, steps.warmUpSeconds - steps.seconds);
    return { stepSeconds: steps.seconds, topSecondsPerImage, startSeconds: startSeconds + cold };
  } finally {
    tf.dispose([act, y]);
    await pool?.dispose();
    part.top.setWeights(saved);
    tf.dispose(saved);
  }
}

/** Runs `work` once to warm up (first calls build functions and sessions), then the median of `repeats`. */
async function repeatTimed<T>(
  work: () => Promise<T>,
  repeats = TIMED_REPEATS,
): Promise<{ seconds: number; warmUpSeconds: number; last: T }> {
  const t0 = Date.now();
  let last = await work();
  const warmUpSeconds = (Date.now() - t0) / 1000;
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = Date.now();
    last = await work();
    times.push((Date.now() - t) / 1000);
  }
  return { seconds: median(times), warmUpSeconds, last };
}
