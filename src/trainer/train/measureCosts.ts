// What a fine-tuning trial would cost, measured before deciding whether the budget affords it: the frozen
// bottom's time per example (on the runtime that will compute the activations) and the top's time per step,
// on one small batch of random input of the run's kind.
import type { TrainRecipe } from '../../shared/engineTypes';
import type { KindInput } from '../../shared/inputSpec';
import type { Split } from '../../shared/split';
import { dataKind } from '../data/kinds/registry';
import { inputArrays } from '../data/kinds/tensors';
import type { FrozenSplit } from '../models/frozenSplit';
import { startFrozenRunner } from '../runtime/frozenRuntime';
import * as tf from '../tf';
import { compileForTraining } from './fitLoop';

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
  /** One training step of the top at the recipe's batch size. */
  stepSeconds: number;
  /** The top's forward pass per example (what validation costs each epoch). */
  topSecondsPerImage: number;
}

/**
 * Seconds per example through the frozen bottom, per training step of the top and per example through the
 * top alone, measured on random input before anything is decided. The step is timed at the recipe's batch
 * size (a step's fixed costs made a small batch scaled up overestimate it). The top's weights are restored
 * afterwards (the step changed them).
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
  try {
    const xs = dataKind(o.input).randomInputs(o.input, n);
    const inputs = await inputArrays(xs);
    await bottom.run(inputs); // the first run also prepares the session
    const t0 = Date.now();
    const out = await bottom.run(inputs);
    const bottomSecondsPerImage = (Date.now() - t0) / 1000 / n;
    // The measured activations repeated up to a whole batch.
    const act = tf.tidy(() => {
      const some = tf.tensor(out, [n, ...shape]);
      const tiled = tf.tile(some, [Math.ceil(batch / n), ...shape.map(() => 1)]);
      return tf.slice(tiled, [0, ...shape.map(() => 0)], [batch, ...shape.map(() => -1)]);
    });
    const y = tf.tidy(() => tf.cast(tf.oneHot(tf.zeros([batch], 'int32') as tf.Tensor1D, o.classes), 'float32'));
    compileForTraining(part.top, 1e-9, o.recipe.optimizer);
    await part.top.trainOnBatch(act, y); // the first step also builds the gradient functions
    const t1 = Date.now();
    await part.top.trainOnBatch(act, y);
    const stepSeconds = (Date.now() - t1) / 1000;
    const t2 = Date.now();
    const predicted = part.top.predict(act) as tf.Tensor;
    await predicted.data();
    const topSecondsPerImage = (Date.now() - t2) / 1000 / batch;
    tf.dispose([...xs, act, y, predicted]);
    return { bottomSecondsPerImage, stepSeconds, topSecondsPerImage };
  } finally {
    part.top.setWeights(saved);
    tf.dispose(saved);
    await bottom.dispose();
  }
}
