// Runs a model over samples in batches and returns per-sample probabilities: on examples of any kind
// (decoded and streamed by their kind's module) or on cached feature vectors.
import type { Preprocessing } from '../../shared/engineTypes';
import type { SkipList } from '../data/batchStream';
import type { Sample } from '../../shared/split';
import { throwIfCancelled, type CancelSignal } from '../../shared/engineError';
import * as tf from '../tf';
import { exampleSource, featureSource } from './batchSources';
import type { DataKind } from '../data/kinds/dataKind';
import { imageKind } from '../data/kinds/image';
import { imageInput, type KindInput } from '../../shared/inputSpec';
import type { BatchSource } from './fitLoop';
import type { Scored } from './evaluation';

/** Probabilities for examples of any kind, decoded batch by batch by the kind's module. */
export async function scoreExamples<I extends KindInput>(
  model: tf.LayersModel,
  kind: DataKind<I>,
  input: I,
  samples: readonly Sample[],
  classes: number,
  batchSize: number,
  skips: SkipList,
  signal: CancelSignal,
): Promise<Scored[]> {
  const usable = samples.filter((s) => !skips.has(s.path));
  return score(model, exampleSource(kind, input, usable, classes, batchSize, 0, skips), signal);
}

export async function scoreImages(
  model: tf.LayersModel,
  samples: readonly Sample[],
  prep: Preprocessing,
  classes: number,
  batchSize: number,
  skips: SkipList,
  signal: CancelSignal,
): Promise<Scored[]> {
  return scoreExamples(model, imageKind, imageInput(prep), samples, classes, batchSize, skips, signal);
}

export async function scoreFeatures(
  head: tf.LayersModel,
  samples: readonly Sample[],
  features: ReadonlyMap<string, Float32Array>,
  shape: number[],
  classes: number,
  batchSize: number,
  signal: CancelSignal,
): Promise<Scored[]> {
  const usable = samples.filter((s) => features.has(s.path));
  return score(head, featureSource(usable, features, shape, classes, batchSize, 0), signal);
}

async function score(model: tf.LayersModel, source: BatchSource, signal: CancelSignal): Promise<Scored[]> {
  const out: Scored[] = [];
  for await (const { x, y, samples } of source.batches(0)) {
    const p = model.predict(x) as tf.Tensor;
    const data = await p.data();
    const k = p.shape[1] ?? 1;
    samples.forEach((s, r) => out.push({ ...s, probs: Array.from(data.subarray(r * k, (r + 1) * k)) }));
    tf.dispose([x, y, p]);
    throwIfCancelled(signal);
  }
  return out;
}
