// The image kind: folders of class subfolders of image files, decoded by sharp into scaled NHWC pixels.
// Everything the engine asks about images is answered here, by the image modules of this folder.
import { imagePreprocessing, type ImageInput } from '../../../shared/inputSpec';
import { contentHash } from '../../io/contentHash';
import * as tf from '../../tf';
import { decodeBatch } from '../batchStream';
import { scanDataset } from '../datasetScanner';
import { makeThumbnails } from '../thumbnails';
import type { DataKind, DecodedBatch } from './dataKind';
import { augmentPixels } from './imageAugment';
import { imageBaselines } from './imageBaselines';

/** The one model input of an image model. */
export const PIXELS_INPUT = 'pixels';

function shapeOf(spec: ImageInput): [number, number, number] {
  return [spec.size[0], spec.size[1], spec.channels];
}

export const imageKind: DataKind<ImageInput> = {
  kind: 'image',
  noun: 'images',
  list: (source, options) => scanDataset(source, options),
  fit: async (spec) => spec,
  inputs: (spec) => [{ name: PIXELS_INPUT, dtype: 'float32', shape: shapeOf(spec) }],
  async decode(samples, spec, skips): Promise<DecodedBatch> {
    const batch = await decodeBatch(samples, imagePreprocessing(spec), skips);
    const shape = [batch.samples.length, ...shapeOf(spec)];
    return { inputs: [{ name: PIXELS_INPUT, dtype: 'float32', data: batch.pixels, shape }], samples: batch.samples };
  },
  exampleKey: (sample) => contentHash(sample.path),
  // Exactly today's key part (no `kind` inside): users' feature caches stay warm.
  cacheKeyParts: (spec) => [imagePreprocessing(spec)],
  batchBytes: (spec, batchSize) => batchSize * spec.size[0] * spec.size[1] * spec.channels * 4,
  describe: (spec) => shapeOf(spec).join('×'),
  augment: (inputs, a, spec, random) => [augmentPixels(inputs[0], a, imagePreprocessing(spec), random)],
  randomInputs: (spec, count) => [tf.randomUniform([count, ...shapeOf(spec)])],
  preview: (paths, size) => makeThumbnails(paths, size),
  baselines: (train, _spec, classes, seed) => imageBaselines(train, classes, seed),
};
