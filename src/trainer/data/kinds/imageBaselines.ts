// What a practitioner would try on images without transfer: a small CNN at the data's own resolution and a
// linear model on raw pixels (a floor that is strong on tiny images). train/baselines.ts trains them.
import sharp from 'sharp';
import type { Preprocessing } from '../../../shared/engineTypes';
import { imageInput, type ImageInput } from '../../../shared/inputSpec';
import type { Sample } from '../../../shared/split';
import { LIMITS } from '../../../shared/limits';
import { buildSourceCnn } from '../../models/sourceCnn';
import * as tf from '../../tf';
import { mapLimited } from '../../../shared/mapLimited';
import type { BaselineModel } from './dataKind';

/** The baselines' input side: the median image side, capped so a CNN step stays cheap on a CPU … */
export const BASELINE_MAX_SIDE = 64;
/** … and not below this (a CNN needs a few pixels to pool). */
export const BASELINE_MIN_SIDE = 8;
/** Images whose headers are read to find the median size. */
const SIZE_SAMPLE = 200;

/**
 * The median height and width of (a sample of) the images, capped to [BASELINE_MIN_SIDE, BASELINE_MAX_SIDE]; grey when
 * every image is.
 */
export async function baselineInput(samples: readonly Sample[]): Promise<Preprocessing> {
  const step = Math.max(1, Math.floor(samples.length / SIZE_SAMPLE));
  const picked = samples.filter((_, i) => i % step === 0).slice(0, SIZE_SAMPLE);
  const sizes = await mapLimited(picked, 8, async (s) => {
    try {
      const m = await sharp(s.path, { limitInputPixels: LIMITS.maxImagePixels }).metadata();
      return { h: m.height ?? 0, w: m.width ?? 0, grey: (m.channels ?? 3) <= 2 };
    } catch {
      return undefined; // the decoder will skip the file and say why; the median does without it
    }
  });
  const ok = sizes.filter((s): s is { h: number; w: number; grey: boolean } => !!s && s.h > 0 && s.w > 0);
  const side = (xs: number[]) => Math.min(BASELINE_MAX_SIDE, Math.max(BASELINE_MIN_SIDE, median(xs)));
  const size: [number, number] = ok.length
    ? [side(ok.map((s) => s.h)), side(ok.map((s) => s.w))]
    : [BASELINE_MAX_SIDE, BASELINE_MAX_SIDE];
  return { size, channels: ok.length && ok.every((s) => s.grey) ? 1 : 3, scale: 'unit' };
}

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

/** A softmax over raw pixels: the floor any image classifier should beat. */
export function buildLinearModel(prep: Preprocessing, classes: number, seed: number): tf.LayersModel {
  const [h, w] = prep.size;
  return tf.sequential({
    name: 'linear_pixels',
    layers: [
      tf.layers.flatten({ inputShape: [h, w, prep.channels], name: 'pixels' }),
      tf.layers.dense({
        units: classes,
        activation: 'softmax',
        name: 'predictions',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
    ],
  });
}

/** Small CNN, then linear, both at the training images' median size (whatever the transfer input is). */
export async function imageBaselines(
  train: readonly Sample[],
  classes: number,
  seed: number,
): Promise<BaselineModel<ImageInput>[]> {
  const prep = await baselineInput(train);
  const what = `${prep.size.join('×')}×${prep.channels}`;
  const input = imageInput(prep);
  return [
    { name: `small CNN ${what}`, input, build: () => buildSourceCnn(prep.size, prep.channels, classes, seed) },
    { name: `linear on pixels ${what}`, input, build: () => buildLinearModel(prep, classes, seed) },
  ];
}
