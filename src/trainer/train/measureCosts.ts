// What a fine-tuning trial would cost, measured before deciding whether the budget affords it: the frozen
// bottom's time per example (on the runtime that will compute the activations) and the top's time per step,
// on one small batch of random input of the run's kind.
import type { TrainRecipe } from '../../shared/engineTypes';
import { medianSeconds, TIMED_REPEATS } from '../../shared/fineTuneEstimate';
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
  /** Starting the fit's training worker (once per trial; 0 when it steps on one thread). */
  startSeconds: number;
}

/**
 * Seconds per example through the frozen bottom, per training step of the top and per example through the
 * top alone, measured on random input before anything is decided. The step is timed at the recipe's batch
 * size (a step's fixed costs made a small batch scaled up overestimate it) and through the same worker the
 * fit splits its batches with (timed on one thread, it was 17 % low to 118 % high of what two threads took,
 * depending on the load). Each figure is the median of TIMED_REPEATS after a warm-up. The top's weights are
 * restored afterwards (the steps changed them).
 */
export async function measureCosts(part: FrozenSplit, o: CostInput): Promise<Costs> {
  // A small batch keeps the bottom's measurement cheap: its cost per example hardly depends on the batch.
  const n = Math.min(MEASURE_BATCH, o.recipe.batchSize, Math.max(1, o.split.train.length));
  const batch = Math.min(o.recipe.batchSize, Math.max(1, o.split.train.length));
  // The runtime that will compute the activations measures them (ONNX Runtime's threads, or WASM): a WASM
  // measurement overestimated ONNX Runtime's work several times over and skipped affordable fine-tuning.
  const bottom = await startFrozenRunner(part.bottom);
  const saved = part.top.getWeights().map((t) => t.clone());
  const shape = part.top.inputs[0].shape.slice(1) as number[];
  const t0 = Date.now();
  const pool = await startPool(part.top, batch);
  const startSeconds = (Date.now() - t0) / 1000;
  try {
    const xs = dataKind(o.input).randomInputs(o.input, n);
    const inputs = await inputArrays(xs);
    const timedBottom = await repeatTimed(() => bottom.run(inputs));
    const out = timedBottom.last;
    const bottomSecondsPerImage = timedBottom.seconds / n;
    // The measured activations repeated up to a whole batch.
    const act = tf.tidy(() => {
      const some = tf.tensor(out, [n, ...shape]);
      const tiled = tf.tile(some, [Math.ceil(batch / n), ...shape.map(() => 1)]);
      return tf.slice(tiled, [0, ...shape.map(() => 0)], [batch, ...shape.map(() => -1)]);
    });
    const y = tf.tidy(() => tf.cast(tf.oneHot(tf.zeros([batch], 'int32') as tf.Tensor1D, o.classes), 'float32'));
    compileForTraining(part.top, 1e-9, o.recipe.optimizer);
    const step = poolStep(part.top, pool);
    const stepSeconds = (await repeatTimed(() => step(act, y))).seconds;
    const predict = async () => {
      const predicted = part.top.predict(act) as tf.Tensor;
      await predicted.data();
      predicted.dispose();
    };
    const topSecondsPerImage = (await repeatTimed(predict)).seconds / batch;
    tf.dispose([...xs, act, y]);
    return { bottomSecondsPerImage, stepSeconds, topSecondsPerImage, startSeconds };
  } finally {
    await pool?.dispose();
    part.top.setWeights(saved);
    tf.dispose(saved);
    await bottom.dispose();
  }
}

/** Runs `work` once to warm up (first calls build functions and sessions), then the median of `repeats`. */
async function repeatTimed<T>(work: () => Promise<T>, repeats = TIMED_REPEATS): Promise<{ seconds: number; last: T }> {
  let last = await work();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = Date.now();
    last = await work();
    times.push((Date.now() - t) / 1000);
  }
  return { seconds: medianSeconds(times), last };
}
