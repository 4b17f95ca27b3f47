// The epoch loop shared by every training in the engine (head on cached features, fine-tuning on images,
// the scratch twin, the source CNN). Our own loop rather than model.fit: batches stream from disk with
// prefetch, cancellation is honoured at every batch, and every batch and epoch reports progress.
import type { OptimizerName, ProgressEvent, RunModel } from '../../shared/engineTypes';
import type { EpochMetrics } from '../../shared/evaluationTypes';
import { CancelledError, type CancelSignal } from '../../shared/engineError';
import { improves } from '../../shared/autoFlow';
import type { Sample } from '../../shared/split';
import * as tf from '../tf';
import { FusedAdam } from '../backend/fusedAdam';

/** One batch: inputs and one-hot targets, disposed by the loop after use. */
export interface Batch {
  /** One tensor for a one-input model (images), one per input otherwise (token ids and mask). */
  x: tf.Tensor | tf.Tensor[];
  y: tf.Tensor;
  /** Which examples the rows are (files that failed to decode are already left out). */
  samples: readonly Sample[];
}

export interface BatchSource {
  /** Number of examples per pass. */
  readonly size: number;
  readonly batchCount: number;
  batches(epoch: number): AsyncIterable<Batch>;
}

export interface FitOptions {
  model: tf.LayersModel;
  which: RunModel;
  phase: 1 | 2;
  epochs: number;
  learningRate: number;
  /** Default adam. */
  optimizer?: OptimizerName;
  patience: number;
  train: BatchSource;
  validation: BatchSource;
  signal: CancelSignal;
  emit: (event: ProgressEvent) => void;
  /** Called after each epoch with this fit's history so far (checkpointing); returns the checkpoint path it wrote. */
  afterEpoch: (metrics: EpochMetrics, history: EpochMetrics[]) => Promise<string>;
  /** Epoch to start at, for a resumed run (default 1). */
  firstEpoch?: number;
  /** The epochs of this phase finished before a resume: early stopping counts from them, as if never interrupted. */
  earlier?: EpochMetrics[];
  /**
   * Date.now() after which no new epoch starts (the automatic flow's time budget); the best weights are kept.
   * A function is asked after each epoch, with the epochs so far (the second phase reserves what they took).
   */
  deadline?: number | ((history: readonly EpochMetrics[]) => number);
  /**
   * Set by automatic phases: an improvement must lower validation loss by this fraction of the best, and
   * `epochs` is only a cap (progress says "stops after `patience` without improvement"). Else 1e-4 absolute.
   */
  relativeImprovement?: number;
  /** `epochs` is only a cap under the absolute rule too (the baselines from scratch stop on a plateau or a time). */
  openEnded?: boolean;
  /** One optimizer step on a batch, [loss, accuracy] (default: model.trainOnBatch; parallelFit.ts splits it). */
  step?: (x: tf.Tensor | tf.Tensor[], y: tf.Tensor) => Promise<number[]>;
}

export interface FitResult {
  history: EpochMetrics[];
  cancelled: boolean;
  stoppedEarly: boolean;
}

export function compileForTraining(
  model: tf.LayersModel,
  learningRate: number,
  optimizer: OptimizerName = 'adam',
): void {
  // Recompiling is what makes changed `trainable` flags take effect in tfjs-layers. The previous optimizer's
  // slot variables (Adam moments) would otherwise stay allocated for the life of the process.
  (model.optimizer as tf.Optimizer | undefined)?.dispose();
  model.compile({
    optimizer: createOptimizer(optimizer, learningRate),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
}

export function createOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'adam':
      return new FusedAdam(learningRate);
    // Plain SGD without momentum would crawl at the rates a recipe uses for Adam; Keras' fine-tuning
    // examples pair SGD with momentum 0.9.
    case 'sgd':
      return tf.train.momentum(learningRate, 0.9);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
  }
}

export async function fit(o: FitOptions): Promise<FitResult> {
  compileForTraining(o.model, o.learningRate, o.optimizer);
  const history: EpochMetrics[] = [];
  let best = Infinity;
  let bestWeights: tf.Tensor[] | undefined;
  let sinceBest = 0;
  for (const m of o.earlier ?? []) {
    if (improves(m.valLoss, best, o.relativeImprovement)) [best, sinceBest] = [m.valLoss, 0];
    else sinceBest++;
  }
  // The uninterrupted run would already have stopped: a resume finishes without another epoch.
  let stoppedEarly = o.patience > 0 && sinceBest >= o.patience;
  const started = Date.now();
  let batchesDone = 0;
  const firstEpoch = o.firstEpoch ?? 1;
  const step =
    o.step ?? (async (x: tf.Tensor | tf.Tensor[], y: tf.Tensor) => (await o.model.trainOnBatch(x, y)) as number[]);
  const totalBatches = (o.epochs - firstEpoch + 1) * o.train.batchCount;
  // With an open-ended phase the cap is not a plan: progress names the stopping rule, the ETA covers this epoch.
  const untilPlateau = (o.relativeImprovement !== undefined || o.openEnded) && o.patience > 0 ? o.patience : undefined;
  try {
    for (let epoch = firstEpoch; epoch <= o.epochs && !stoppedEarly; epoch++) {
      const epochStart = Date.now();
      let lossSum = 0,
        accSum = 0,
        seen = 0,
        batch = 0;
      for await (const { x, y } of o.train.batches(epoch)) {
        const n = y.shape[0];
        try {
          const [loss, acc] = await step(x, y);
          lossSum += loss * n;
          accSum += acc * n;
          seen += n;
        } finally {
          tf.dispose([x, y]);
        }
        batch++;
        batchesDone++;
        const elapsed = (Date.now() - started) / 1000;
        o.emit({
          kind: 'batch',
          model: o.which,
          phase: o.phase,
          epoch,
          epochs: o.epochs,
          untilPlateau,
          batch,
          batches: o.train.batchCount,
          loss: lossSum / seen,
          accuracy: accSum / seen,
          imagesPerSec: seen / Math.max(1e-3, (Date.now() - epochStart) / 1000),
          etaSeconds:
            (elapsed / batchesDone) *
            (untilPlateau ? o.train.batchCount - batch : Math.max(0, totalBatches - batchesDone)),
        });
        if (o.signal.isCancellationRequested) throw new CancelledError();
      }
      const val = await validate(o.model, o.validation, o.signal);
      const metrics: EpochMetrics = {
        phase: o.phase,
        epoch,
        loss: lossSum / Math.max(1, seen),
        accuracy: accSum / Math.max(1, seen),
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        seconds: (Date.now() - epochStart) / 1000,
      };
      history.push(metrics);
      const checkpoint = await o.afterEpoch(metrics, history);
      o.emit({ kind: 'epoch', model: o.which, metrics, epochs: o.epochs, untilPlateau, checkpoint });
      if (o.patience > 0) {
        if (improves(val.loss, best, o.relativeImprovement)) {
          best = val.loss;
          sinceBest = 0;
          tf.dispose(bestWeights ?? []);
          bestWeights = o.model.getWeights().map((w) => w.clone());
        } else if (++sinceBest >= o.patience) {
          stoppedEarly = true;
          o.emit({
            kind: 'log',
            level: 'info',
            message: `Early stop after epoch ${epoch}: validation loss has not improved${o.relativeImprovement ? ` by ${o.relativeImprovement * 100}%` : ''} for ${o.patience} epochs; ${bestWeights ? 'keeping the weights of the best epoch' : 'the best epoch came before the resume, whose checkpoint holds only the last epoch, so the last weights are kept'}.`,
          });
          break;
        }
      }
      const deadline = typeof o.deadline === 'function' ? o.deadline(history) : o.deadline;
      if (deadline !== undefined && Date.now() >= deadline && epoch < o.epochs) {
        stoppedEarly = true;
        o.emit({
          kind: 'log',
          level: 'info',
          message: `Stopped after epoch ${epoch}: the time budget is spent; keeping the weights of the best epoch.`,
        });
        break;
      }
    }
    if (stoppedEarly && bestWeights) o.model.setWeights(bestWeights);
    return { history, cancelled: false, stoppedEarly };
  } catch (e) {
    if (e instanceof CancelledError) return { history, cancelled: true, stoppedEarly: false };
    throw e;
  } finally {
    tf.dispose(bestWeights ?? []);
  }
}

/** Mean loss and accuracy over a source, in inference mode. */
export async function validate(
  model: tf.LayersModel,
  source: BatchSource,
  signal: CancelSignal,
): Promise<{ loss: number; accuracy: number }> {
  let loss = 0,
    correct = 0,
    seen = 0;
  for await (const { x, y } of source.batches(0)) {
    const [l, c] = tf.tidy(() => {
      const p = model.predict(x) as tf.Tensor;
      return [
        tf.sum(tf.metrics.categoricalCrossentropy(y, p)),
        tf.sum(tf.cast(tf.equal(tf.argMax(p, -1), tf.argMax(y, -1)), 'float32')),
      ];
    });
    loss += (await l.data())[0];
    correct += (await c.data())[0];
    seen += y.shape[0];
    tf.dispose([x, y, l, c]);
    if (signal.isCancellationRequested) throw new CancelledError();
  }
  return { loss: seen ? loss / seen : NaN, accuracy: seen ? correct / seen : NaN };
}
