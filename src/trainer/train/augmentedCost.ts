// What an augmented fine-tune would cost, measured by running its own loop (throughFrozen) on a few batches
// for two epochs before deciding: the bottom on ONNX Runtime, decoding, augmenting and the top's step share
// the two cores, and a sum or a maximum of their separate timings missed the real epochs by −31 % to −70 %.
// Whatever the loop does (one thread or two for the top, how far it reads ahead), the measurement does too.
import { augmentedCostsFrom, TIMED_REPEATS, type AugmentedCosts, type BatchDone } from '../../shared/fineTuneEstimate';
import type { Sample } from '../../shared/split';
import { MAX_DECODED_MEMO_BYTES } from '../data/decodedMemo';
import type { FrozenSplit } from '../models/frozenSplit';
import * as tf from '../tf';
import type { BatchSource, FitOptions } from './fitLoop';
import { keptVariants, throughFrozen } from './frozenParts';

/** Batches per measured epoch: one to start, then TIMED_REPEATS gaps between batches. */
const MEASURED_BATCHES = TIMED_REPEATS + 1;

export interface AugmentedMeasure {
  /** The options the trial's fit will run with (rate, optimizer, signal). */
  fit: Omit<FitOptions, 'model' | 'train' | 'validation'>;
  train: readonly Sample[];
  batchSize: number;
  /** The augmented source the trial trains on, for these samples. */
  images: (samples: readonly Sample[]) => BatchSource;
  /** A validation source of cached activations (one example is enough: its pass is counted apart). */
  validation: BatchSource;
  /** An epoch on cached activations (fineTunePlan.ts): what an epoch replaying a kept pass costs. */
  replayEpochSeconds: number;
}

/**
 * Runs the augmented loop for two epochs on the first MEASURED_BATCHES batches of the training set and reads
 * the trial's costs from when each batch finished. The top's weights are restored afterwards.
 */
export async function measureAugmented(part: FrozenSplit, m: AugmentedMeasure): Promise<AugmentedCosts> {
  const samples = m.train.slice(0, measuredExamples(m.train.length, m.batchSize));
  const saved = part.top.getWeights().map((t) => t.clone());
  const done: BatchDone[] = [];
  const started = Date.now();
  try {
    await throughFrozen(
      part,
      {
        ...m.fit,
        epochs: 2,
        patience: 0,
        deadline: undefined,
        afterEpoch: async () => '',
        emit: (e) => {
          if (e.kind === 'batch') done.push({ epoch: e.epoch, at: Date.now() });
        },
      },
      { train: m.images(samples), validation: m.validation },
      m.validation,
    );
  } finally {
    part.top.setWeights(saved);
    tf.dispose(saved);
  }
  // The trial keeps as many passes as fit with its training set; the measured run's two epochs both augment.
  const shape = part.bottom.outputs[0].shape.slice(1) as number[];
  return augmentedCostsFrom(started, done, {
    keptFraction: keptFraction(part, m.train.length),
    variants: keptVariants(shape, m.train.length, 0),
    replayEpochSeconds: m.replayEpochSeconds,
  });
}

/**
 * Examples the measured run takes: whole batches only when there are two or more, else all of them. A partial
 * last batch among the gaps pulled their median down (faces' 100 training images: 0.27 s a batch measured, about
 * 0.44 s taken); the estimate counts the partial batch apart.
 */
export function measuredExamples(examples: number, batchSize: number): number {
  const whole = Math.min(MEASURED_BATCHES, Math.floor(examples / batchSize));
  return whole >= 2 ? whole * batchSize : examples;
}

/**
 * Share of `examples` whose decoded inputs the trial's memory keeps between epochs: the frozen part's input
 * (what decoding produces) as 4-byte values, against the memo's byte budget.
 */
function keptFraction(part: FrozenSplit, examples: number): number {
  const values = part.bottom.inputs[0].shape.slice(1).reduce<number>((a, b) => a * (b ?? 0), 1);
  if (values <= 0 || examples <= 0) return 1;
  return Math.min(1, Math.floor(MAX_DECODED_MEMO_BYTES / (4 * values)) / examples);
}
