// The two sources of training input: cached feature vectors held in memory (small: one vector per example),
// and examples decoded from disk batch by batch by their kind's module (never the whole dataset at once).
import type { Augmentation, Preprocessing } from '../../shared/engineTypes';
import { exampleBatches, type SkipList } from '../data/batchStream';
import { DecodedMemo } from '../data/decodedMemo';
import type { DataKind } from '../data/kinds/dataKind';
import { imageKind } from '../data/kinds/image';
import { inputTensors, modelInput } from '../data/kinds/tensors';
import { imageInput, type KindInput } from '../../shared/inputSpec';
import type { Sample } from '../../shared/split';
import { seededRandom, shuffled } from '../../shared/seededRandom';
import type { FrozenExecutor } from '../models/frozenExecutor';
import * as tf from '../tf';
import { balancedLength, balancedOrder, needsBalancing } from './balance';
import type { Batch, BatchSource } from './fitLoop';

function oneHot(samples: readonly Sample[], classes: number): tf.Tensor {
  return tf.tidy(() =>
    tf.cast(
      tf.oneHot(
        tf.tensor1d(
          samples.map((s) => s.label),
          'int32',
        ),
        classes,
      ),
      'float32',
    ),
  );
}

/**
 * Order of one epoch: shuffled with a seed derived from the run seed and the epoch; epoch 0 = file order
 * (validation, scoring). Training epochs of imbalanced classes are drawn balanced (see balance.ts).
 */
export function epochOrder(samples: readonly Sample[], seed: number, epoch: number): readonly Sample[] {
  if (epoch === 0) return samples;
  const random = seededRandom(seed * 7919 + epoch);
  return needsBalancing(samples) ? balancedOrder(samples, random) : shuffled(samples, random);
}

/** Examples per training epoch (more than the samples when balancing repeats the smaller classes). */
function epochLength(samples: readonly Sample[]): number {
  return needsBalancing(samples) ? balancedLength(samples) : samples.length;
}

export function featureSource(
  samples: readonly Sample[],
  features: ReadonlyMap<string, Float32Array>,
  shape: number[],
  classes: number,
  batchSize: number,
  seed: number,
): BatchSource {
  const usable = samples.filter((s) => features.has(s.path));
  const dims = shape.reduce((a, b) => a * b, 1);
  return {
    size: epochLength(usable),
    batchCount: Math.ceil(epochLength(usable) / batchSize),
    async *batches(epoch: number): AsyncIterable<Batch> {
      const order = epochOrder(usable, seed, epoch);
      for (let i = 0; i < order.length; i += batchSize) {
        const chunk = order.slice(i, i + batchSize);
        const data = new Float32Array(chunk.length * dims);
        chunk.forEach((s, k) => data.set(features.get(s.path)!, k * dims));
        yield { x: tf.tensor(data, [chunk.length, ...shape]), y: oneHot(chunk, classes), samples: chunk };
      }
    },
  };
}

/**
 * Examples of any kind decoded from disk batch by batch, in the epoch's order; training batches (epoch > 0)
 * are augmented when the recipe asks and the kind has augmentation.
 */
export function exampleSource<I extends KindInput>(
  kind: DataKind<I>,
  input: I,
  samples: readonly Sample[],
  classes: number,
  batchSize: number,
  seed: number,
  skips: SkipList,
  augmentation?: Augmentation,
): BatchSource {
  const augmented = augmentation && kind.augment ? augmentation : undefined;
  // Augmented epochs re-read the same decoded examples; others decode once per pass anyway (features, scores).
  const memo = augmented ? new DecodedMemo() : undefined;
  const source: DataKind<I> = memo
    ? { ...kind, decode: (s, i, sk) => memo.batch(s, (missing) => kind.decode(missing, i, sk)) }
    : kind;
  return {
    size: epochLength(samples),
    batchCount: Math.ceil(epochLength(samples) / batchSize),
    async *batches(epoch: number): AsyncIterable<Batch> {
      const random = seededRandom(seed * 104729 + epoch);
      for await (const batch of exampleBatches(source, input, epochOrder(samples, seed, epoch), batchSize, skips)) {
        const arrays = augmented && epoch > 0 ? kind.augment!(batch.inputs, augmented, input, random) : batch.inputs;
        yield { x: modelInput(inputTensors(arrays)), y: oneHot(batch.samples, classes), samples: batch.samples };
      }
    },
  };
}

/** Images decoded from disk: the image kind's source. */
export function imageSource(
  samples: readonly Sample[],
  prep: Preprocessing,
  classes: number,
  batchSize: number,
  seed: number,
  skips: SkipList,
  augmentation?: Augmentation,
): BatchSource {
  return exampleSource(imageKind, imageInput(prep), samples, classes, batchSize, seed, skips, augmentation);
}

/** Images through a frozen bottom, computed outside the gradient tape: its activations are the batch. */
export function frozenBaseSource(images: BatchSource, features: FrozenExecutor): BatchSource {
  return {
    size: images.size,
    batchCount: images.batchCount,
    async *batches(epoch: number): AsyncIterable<Batch> {
      for await (const batch of images.batches(epoch)) {
        const x = features.predict(batch.x as tf.Tensor);
        tf.dispose(batch.x);
        yield { ...batch, x };
      }
    },
  };
}
