// The automatic flow's cheap baselines (issue 29): a linear model and a small MLP on the raw pixels at the
// data's own resolution, on the same split as the transfer trials and judged on the same validation images.
// Whether transfer helps is not obvious until both were tried; on small grey images pixels often win. The
// pixels are decoded once into memory, so an epoch costs what a head epoch on cached features costs.
import { AUTO_WIDE_HEAD, betterOnValidation, headImprovement, headSchedule } from '../../shared/autoFlow';
import type { Preprocessing } from '../../shared/engineTypes';
import type { EpochMetrics, Trial, TrialKind } from '../../shared/evaluationTypes';
import type { CancelSignal } from '../../shared/engineError';
import type { Sample } from '../../shared/split';
import { decodeBatch, type SkipList } from '../data/batchStream';
import { countParams } from '../models/layerInfo';
import { streamDropout } from '../models/streamDropout';
import { disposeModels } from '../models/disposeModels';
import * as tf from '../tf';
import { keptEpoch } from './autoFineTune';
import { baselineInput } from '../data/kinds/imageBaselines';
import { featureSource } from './batchSources';
import type { Scored } from './evaluation';
import { fit } from './fitLoop';
import type { ScratchInput } from './baselines';
import { scoreFeatures } from './predictions';

/** The pixels of every image stay in memory for these trials; above this many bytes they are skipped. */
export const PIXEL_TRIALS_MAX_BYTES = 256 * 1024 * 1024;
/** Images decoded per batch while filling memory. */
const DECODE_BATCH = 64;

export interface PixelTrialsInput extends ScratchInput {
  /** Date.now() by which both trials must have ended. */
  deadline: number;
  /** Seconds of the whole budget left at a given moment (for the trials table). */
  budgetLeft: () => number;
  /** The best trial so far: the one to beat. */
  best: Trial;
}

/** A pixel model that beat every earlier trial on validation: what the run saves and evaluates instead. */
export interface PixelWinner {
  model: tf.LayersModel;
  prep: Preprocessing;
  trial: Trial;
  history: EpochMetrics[];
  params: { trainable: number; frozen: number };
  score: (samples: readonly Sample[]) => Promise<Scored[]>;
}

export interface PixelTrialsOutcome {
  trials: Trial[];
  winner?: PixelWinner;
  cancelled: boolean;
}

/**
 * A softmax on the flattened pixels, or one hidden layer (the wider head's shape) before it. `prefix` starts
 * every layer's name (a model that holds these layers beside others needs names of their own).
 */
export function buildPixelModel(kind: TrialKind, prep: Preprocessing, classes: number, seed: number, prefix = '') {
  const [h, w] = prep.size;
  const layers: tf.layers.Layer[] = [tf.layers.flatten({ name: `${prefix}pixels` })];
  if (kind === 'pixels-mlp') {
    const { dense = 128, dropout = 0 } = AUTO_WIDE_HEAD;
    layers.push(
      tf.layers.dense({
        units: dense,
        activation: 'relu',
        name: `${prefix}hidden`,
        kernelInitializer: tf.initializers.heNormal({ seed }),
      }),
      streamDropout({ rate: dropout, seed, name: `${prefix}dropout` }),
    );
  }
  layers.push(
    tf.layers.dense({
      units: classes,
      activation: 'softmax',
      name: `${prefix}predictions`,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  );
  // A functional graph, as every other model of a run: export reads functional graphs only.
  const input = tf.input({ shape: [h, w, prep.channels], name: `${prefix}input` });
  const output = layers.reduce((x, layer) => layer.apply(x) as tf.SymbolicTensor, input);
  return tf.model({ name: `${prefix}${kind.replace('-', '_')}`, inputs: input, outputs: output });
}

/** Every decodable image of the split as scaled pixels, by path. */
async function pixelsOf(samples: readonly Sample[], prep: Preprocessing, skips: SkipList, signal: CancelSignal) {
  const pixels = new Map<string, Float32Array>();
  const size = prep.size[0] * prep.size[1] * prep.channels;
  for (let i = 0; i < samples.length && !signal.isCancellationRequested; i += DECODE_BATCH) {
    const batch = await decodeBatch(samples.slice(i, i + DECODE_BATCH), prep, skips);
    batch.samples.forEach((s, k) => pixels.set(s.path, batch.pixels.slice(k * size, (k + 1) * size)));
  }
  return pixels;
}

const figures = (acc?: number, loss?: number) => `accuracy ${acc?.toFixed(3) ?? '?'}, loss ${loss?.toFixed(3) ?? '?'}`;

/** Trains the linear model, then the MLP, until the deadline; a model that beats the best so far is returned. */
export async function pixelTrials(o: PixelTrialsInput): Promise<PixelTrialsOutcome> {
  const prep = await baselineInput(o.split.train);
  const what = `${prep.size.join('×')}×${prep.channels}`;
  const names: [TrialKind, string][] = [
    ['pixels-linear', 'pixels linear'],
    ['pixels-mlp', 'pixels MLP'],
  ];
  const all = [...o.split.train, ...o.split.validation, ...o.split.test];
  const bytes = all.length * prep.size[0] * prep.size[1] * prep.channels * 4;
  const trials: Trial[] = [];
  if (bytes > PIXEL_TRIALS_MAX_BYTES) {
    for (const [kind, name] of names)
      trials.push({
        name,
        kind,
        detail: `on raw pixels at ${what}`,
        epochs: 0,
        seconds: 0,
        outcome: 'skipped',
        reason: `the pixels of ${all.length} images at ${what} would take ${(bytes / 2 ** 20).toFixed(0)} MB of memory`,
        budgetLeft: o.budgetLeft(),
      });
    return { trials, cancelled: false };
  }
  const started = Date.now();
  const pixels = await pixelsOf(all, prep, o.skips, o.signal);
  const decodeSeconds = (Date.now() - started) / 1000;
  const shape = [prep.size[0], prep.size[1], prep.channels];
  const source = (samples: readonly Sample[]) =>
    featureSource(samples, pixels, shape, o.classes, o.recipe.batchSize, o.recipe.seed);
  const { epochs, patience } = headSchedule(o.recipe);
  const relative = headImprovement(o.recipe);
  let best = o.best;
  let winner: PixelWinner | undefined;
  let cancelled = o.signal.isCancellationRequested;
  for (const [index, [kind, name]] of names.entries()) {
    if (cancelled) break;
    const model = buildPixelModel(kind, prep, o.classes, o.recipe.seed);
    const t0 = Date.now();
    // The linear model gets half of what is left, the MLP the rest.
    const deadline = index === 0 ? t0 + (o.deadline - t0) / 2 : o.deadline;
    const fitted = await fit({
      model,
      which: 'transfer',
      phase: 1,
      epochs,
      patience,
      relativeImprovement: relative,
      learningRate: o.recipe.learningRate,
      optimizer: o.recipe.optimizer,
      train: source(o.split.train),
      validation: source(o.split.validation),
      signal: o.signal,
      emit: () => undefined, // a baseline's epochs are not the run's curves
      afterEpoch: async () => '',
      deadline,
    });
    cancelled = fitted.cancelled;
    const m = keptEpoch(fitted.history, fitted.stoppedEarly, relative);
    const better = !cancelled && m !== undefined && betterOnValidation(m, bestFigures(best));
    const trial: Trial = {
      name,
      kind,
      detail: `${kind === 'pixels-mlp' ? `hidden layer of ${AUTO_WIDE_HEAD.dense}` : 'softmax'} on raw pixels at ${what}, from scratch${index === 0 ? `; pixels decoded in ${decodeSeconds.toFixed(1)} s` : ''}`,
      epochs: fitted.history.length,
      valAccuracy: m?.valAccuracy,
      valLoss: m?.valLoss,
      seconds: (Date.now() - t0) / 1000 + (index === 0 ? decodeSeconds : 0),
      outcome: 'not kept',
      reason: m
        ? `validation ${figures(m.valAccuracy, m.valLoss)} ${better ? 'beats' : 'does not beat'} ${best.name}'s ${figures(best.valAccuracy, best.valLoss)}`
        : 'no epoch finished',
      budgetLeft: o.budgetLeft(),
    };
    trials.push(trial);
    o.emit({ kind: 'log', level: 'info', message: `Automatic flow: ${name}: ${trial.reason}` });
    if (better) {
      if (winner) disposeModels([winner.model]);
      best = trial;
      winner = {
        model,
        prep,
        trial,
        history: fitted.history,
        params: countParams(model),
        score: (samples) => scoreFeatures(model, samples, pixels, shape, o.classes, o.recipe.batchSize, o.signal),
      };
    } else {
      disposeModels([model]);
    }
  }
  return { trials, winner, cancelled };
}

function bestFigures(t: Trial): { valAccuracy: number; valLoss: number } {
  return { valAccuracy: t.valAccuracy ?? -Infinity, valLoss: t.valLoss ?? Infinity };
}
