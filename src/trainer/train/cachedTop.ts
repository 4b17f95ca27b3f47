// Fine-tuning the top of a base (a second phase from block_15_expand, say) used to stream every image
// through the frozen bottom on every epoch. Without augmentation the bottom's output for an image never
// changes, so it runs once per image (on every core, into the feature cache) and the top trains on the stored
// activations: per epoch only the trainable layers run. Same model, same weights, same batches.
import type { ProgressEvent } from '../../shared/engineTypes';
import type { CancelSignal } from '../../shared/engineError';
import type { KindInput } from '../../shared/inputSpec';
import type { Sample } from '../../shared/split';
import type { SkipList } from '../data/batchStream';
import type { FrozenSplit } from '../models/frozenSplit';
import { featureSource } from './batchSources';
import { featuresAtCut } from './featureCache';
import type { BatchSource } from './fitLoop';

export interface CachedTopOptions {
  part: FrozenSplit;
  /** Every sample any source will ask for (train, validation, test). */
  samples: readonly Sample[];
  /** The base's input (its kind decodes the examples and adds to the cache key). */
  input: KindInput;
  cacheDir: string;
  /** Identifies the base's files in the cache key. */
  baseKey: string;
  modelJsonPath: string;
  classes: number;
  batchSize: number;
  seed: number;
  skips: SkipList;
  signal: CancelSignal;
  emit: (e: ProgressEvent) => void;
}

export interface CachedTop {
  /** Batches of stored activations (the input of `part.top`) for these samples. */
  source(samples: readonly Sample[]): BatchSource;
  /** The stored activations by example path, each of `shape` (for scoring `part.top` on them). */
  features: Map<string, Float32Array>;
  shape: number[];
  hits: number;
  misses: number;
  /** The cache folder of this cut. */
  folder: string;
  /** Which runtime computed the frozen bottom (undefined when every activation was cached). */
  runtime?: string;
}

/** Runs the frozen bottom once per example (cache hits skip it) and returns sources over its activations. */
export async function activationsBelowTop(o: CachedTopOptions): Promise<CachedTop> {
  const { part, input } = o;
  const cut = {
    model: part.bottom,
    baseKey: o.baseKey,
    modelJsonPath: o.modelJsonPath,
    layer: part.boundary,
    pooling: part.pooling,
    input,
  };
  const { features, hits, misses, folder, runtime } = await featuresAtCut(cut, {
    cacheDir: o.cacheDir,
    samples: o.samples,
    batchSize: o.batchSize,
    skips: o.skips,
    signal: o.signal,
    emit: o.emit,
  });
  const shape = part.top.inputs[0].shape.slice(1) as number[];
  return {
    source: (samples) => featureSource(samples, features, shape, o.classes, o.batchSize, o.seed),
    features,
    shape,
    hits,
    misses,
    folder,
    runtime,
  };
}
