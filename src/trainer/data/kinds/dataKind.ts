// The one interface every kind of data implements (images today; text next). The engine's generic parts —
// the batch source, the feature cache, inference, the frozen runtimes, cost measurement, the learnability
// check, the batch memory check, the from-scratch baselines, the panel preview — ask the module of the
// run's kind instead of assuming pixels. Keras keeps one data adapter per input kind the same way.
import type { Augmentation, DatasetScan, Thumbnail } from '../../../shared/engineTypes';
import type { KindInput } from '../../../shared/inputSpec';
import type { Sample } from '../../../shared/split';
import type { ScanOptions } from '../datasetScanner';
import type { SkipList } from '../batchStream';
import type * as tf from '../../tf';

/** An example that cannot become model input; the message is the reason the skipped list shows. */
export class ExampleProblem extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ExampleProblem';
  }
}

/** One model input of one example: its name in the model, element type and shape without the batch. */
export interface InputShape {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
}

/** One model input of a batch: flat data, batch first (shape[0] = examples). */
export interface InputArray {
  name: string;
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
  shape: number[];
}

/** Examples decoded into model inputs, in the order of `samples` (undecodable examples are left out). */
export interface DecodedBatch {
  inputs: InputArray[];
  samples: Sample[];
}

/** A model a practitioner would train without transfer, and the input it takes. */
export interface BaselineModel<I extends KindInput> {
  /** Shown in the log and evaluation.json, e.g. "small CNN 32×32×3". */
  name: string;
  input: I;
  build(): tf.LayersModel;
}

/** What the panel shows of an example: a thumbnail for an image, the first words of a text. */
export type ExamplePreview = Thumbnail & { text?: string };

/** Everything the engine needs to know about one kind of data; `I` is that kind's input spec. */
export interface DataKind<I extends KindInput> {
  readonly kind: I['kind'];
  /** The word for its examples in messages: "images", "texts". */
  readonly noun: string;
  /** The labelled examples of a folder of class subfolders (or a file, for kinds that have one). */
  list(source: string, options?: ScanOptions): Promise<DatasetScan>;
  /**
   * The input spec the run records, given the spec the base (or recipe) asks for and the training split:
   * state fitted on the data (a vocabulary, IDF weights) is fitted here, on training examples only.
   * Images return `spec` unchanged.
   */
  fit(spec: I, train: readonly Sample[]): Promise<I>;
  /** The model's inputs for one example. */
  inputs(spec: I): InputShape[];
  /** Decodes a batch; an example that cannot be read is added to `skips` (with the reason) and left out. */
  decode(samples: readonly Sample[], spec: I, skips: SkipList): Promise<DecodedBatch>;
  /** Content hash of one example: with `cacheKeyParts`, it names the example's cached features. */
  exampleKey(sample: Sample): Promise<string>;
  /**
   * What this kind adds to the feature-cache key after [baseKey, layer, pooling]. Images give
   * [{size, channels, scale}] so existing caches stay warm; text adds its tokenizer and fitted state.
   */
  cacheKeyParts(spec: I): unknown[];
  /** Input bytes of a batch, checked against LIMITS.maxBatchInputBytes before anything is decoded. */
  batchBytes(spec: I, batchSize: number): number;
  /** The input's size in words for messages: "224×224×3", "128 tokens". */
  describe(spec: I): string;
  /**
   * Random training-time changes of a decoded batch, on its arrays before they become tensors (absent: the
   * kind has none, as text). Returns new arrays; the decoded ones are left as they were.
   */
  augment?(inputs: readonly InputArray[], a: Augmentation, spec: I, random: () => number): InputArray[];
  /** Random input of `count` examples, to time a step before deciding (measureCosts). */
  randomInputs(spec: I, count: number): tf.Tensor[];
  /** Small previews for the panel, never the full example. */
  preview(paths: readonly string[], size: number): Promise<ExamplePreview[]>;
  /** The from-scratch models a transfer run is compared with, chosen from the training split. */
  baselines(train: readonly Sample[], spec: I, classes: number, seed: number): Promise<BaselineModel<I>[]>;
}
