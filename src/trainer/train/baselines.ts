// What a practitioner would try without transfer, as the honest comparison for a transfer run: a small CNN at
// the data's own resolution and a linear model on raw pixels (a floor that is strong on tiny images), each
// trained from scratch on the same split for the same wall-clock time the transfer run took.
import sharp from 'sharp';
import { AUTO_MIN_PATIENCE } from '../../shared/autoFlow';
import type { ModelResult, Preprocessing, ProgressEvent, TrainRecipe } from '../../shared/engineTypes';
import type { SkipList } from '../data/batchStream';
import { mapLimited, MAX_INPUT_PIXELS } from '../data/datasetScanner';
import type { Sample, Split } from '../../shared/split';
import type { CancelSignal } from '../../shared/engineError';
import { countParams } from '../models/layerInfo';
import { disposeModels } from '../models/disposeModels';
import { buildSourceCnn } from '../models/sourceCnn';
import * as tf from '../tf';
import { imageSource } from './batchSources';
import type { Scored } from './evaluation';
import { fit } from './fitLoop';
import { scoreImages } from './predictions';

/** The baselines' input side: the median image side, capped so a CNN step stays cheap on a CPU … */
export const BASELINE_MAX_SIDE = 64;
/** … and not below this (a CNN needs a few pixels to pool). */
export const BASELINE_MIN_SIDE = 8;
/** Images whose headers are read to find the median size. */
const SIZE_SAMPLE = 200;
/** A cap on epochs: the time budget ends the baselines, usually well before. */
const BASELINE_EPOCH_CAP = 1000;

export interface BaselineInput {
  recipe: TrainRecipe;
  split: Split;
  classes: number;
  skips: SkipList;
  signal: CancelSignal;
  emit: (e: ProgressEvent) => void;
  /** Seconds each baseline may train: the transfer run's time. */
  seconds: number;
  /** Scores a trained baseline on the final split (test, or validation when there is none). */
  finish: (
    history: ModelResult['history'],
    cancelled: boolean,
    score: (s: readonly Sample[]) => Promise<Scored[]>,
    ms: number,
    params: { trainable: number; frozen: number },
  ) => Promise<ModelResult>;
}

/** The median height and width of (a sample of) the images, capped to [BASELINE_MIN_SIDE, BASELINE_MAX_SIDE]; grey when every image is. */
export async function baselineInput(samples: readonly Sample[]): Promise<Preprocessing> {
  const step = Math.max(1, Math.floor(samples.length / SIZE_SAMPLE));
  const picked = samples.filter((_, i) => i % step === 0).slice(0, SIZE_SAMPLE);
  const sizes = await mapLimited(picked, 8, async (s) => {
    try {
      const m = await sharp(s.path, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
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

/** Trains both baselines, each for the given seconds; in the order small CNN, linear. */
export async function trainBaselines(o: BaselineInput): Promise<{ name: string; result: ModelResult }[]> {
  const prep = await baselineInput(o.split.train);
  const what = `${prep.size.join('×')}×${prep.channels}`;
  const kinds = [
    { name: `small CNN ${what}`, build: () => buildSourceCnn(prep.size, prep.channels, o.classes, o.recipe.seed) },
    { name: `linear on pixels ${what}`, build: () => buildLinearModel(prep, o.classes, o.recipe.seed) },
  ];
  const out: { name: string; result: ModelResult }[] = [];
  for (const kind of kinds) {
    const model = kind.build();
    try {
      o.emit({
        kind: 'log',
        level: 'info',
        message: `Baseline without transfer: ${kind.name}, from scratch, for ${o.seconds.toFixed(0)} s (the transfer run's time)`,
      });
      const started = Date.now();
      const { history, cancelled } = await fit({
        model,
        which: 'scratch',
        phase: 1,
        epochs: BASELINE_EPOCH_CAP,
        learningRate: o.recipe.learningRate,
        optimizer: o.recipe.optimizer,
        patience: Math.max(o.recipe.patience, AUTO_MIN_PATIENCE),
        signal: o.signal,
        emit: o.emit,
        afterEpoch: async () => '',
        deadline: started + o.seconds * 1000,
        train: imageSource(o.split.train, prep, o.classes, o.recipe.batchSize, o.recipe.seed, o.skips),
        validation: imageSource(o.split.validation, prep, o.classes, o.recipe.batchSize, o.recipe.seed, o.skips),
      });
      const score = (s: readonly Sample[]) =>
        scoreImages(model, s, prep, o.classes, o.recipe.batchSize, o.skips, o.signal);
      out.push({
        name: kind.name,
        result: await o.finish(history, cancelled, score, Date.now() - started, countParams(model)),
      });
      if (cancelled) break;
    } finally {
      disposeModels([model]);
    }
  }
  return out;
}

/** The plain verdict: which model scored best on the final split, transfer included. */
export function baselineVerdict(
  transfer: ModelResult,
  baselines: readonly { name: string; result: ModelResult }[],
): string {
  const all = [{ name: 'transfer', result: transfer }, ...baselines];
  const best = all.reduce((a, b) => (b.result.evaluation.accuracy > a.result.evaluation.accuracy ? b : a));
  const on = transfer.evaluatedOn;
  const figures = all.map((m) => `${m.name} ${(m.result.evaluation.accuracy * 100).toFixed(1)}%`).join(', ');
  return best.name === 'transfer'
    ? `Transfer wins on the ${on} split (${figures}).`
    : `Transfer loses: ${best.name} from scratch scores best on the ${on} split (${figures}) in the same time.`;
}
