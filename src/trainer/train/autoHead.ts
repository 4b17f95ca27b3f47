// The automatic flow's other heads, each on cached features and kept only when it does better on validation:
// the recipe's head at another cut of the base (see candidateCuts), and a wider one with a hidden layer at the
// kept cut. On small sets the linear head often underfits what the features hold (Fashion-MNIST shirts, MNIST
// digits on MobileNetV2 features), and a head epoch on cached features costs milliseconds.
import { AUTO_WIDE_HEAD, betterOnValidation, headImprovement, headSchedule } from '../../shared/autoFlow';
import type { EpochMetrics, HeadSpec, ProgressEvent, TrainRecipe, Trial } from '../../shared/engineTypes';
import type { Sample, Split } from '../../shared/split';
import type { CancelSignal } from '../../shared/engineError';
import type { FreezePlan } from '../../shared/freezePlan';
import { buildTransferModel, type TransferModel } from '../models/transferModel';
import type * as tf from '../tf';
import { keptEpoch } from './autoFineTune';
import { featureSource } from './batchSources';
import type { Scored } from './evaluation';
import { fit } from './fitLoop';
import { scoreFeatures } from './predictions';

export interface WiderHeadInput {
  base: tf.LayersModel;
  plan: FreezePlan;
  /** Default: the wider head (AUTO_WIDE_HEAD). */
  head?: HeadSpec;
  /** Default: "wider head". */
  name?: string;
  /** Seconds of the whole budget left at a given moment (for the trials table). */
  budgetLeft?: () => number;
  classes: number;
  recipe: TrainRecipe;
  features: ReadonlyMap<string, Float32Array>;
  split: Split;
  signal: CancelSignal;
  emit: (e: ProgressEvent) => void;
  deadline: number;
  /** The recipe's head: the one to beat. */
  best: Trial;
}

export interface WiderHeadOutcome {
  model: TransferModel;
  trial: Trial;
  kept: boolean;
  cancelled: boolean;
  history: EpochMetrics[];
  score: (samples: readonly Sample[]) => Promise<Scored[]>;
}

export async function widerHeadTrial(o: WiderHeadInput): Promise<WiderHeadOutcome> {
  const spec = o.head ?? AUTO_WIDE_HEAD;
  const name = o.name ?? 'wider head';
  const model = buildTransferModel(o.base, o.plan, spec, o.classes, o.recipe.seed);
  const shape = model.featureShape;
  const source = (samples: readonly Sample[]) =>
    featureSource(samples, o.features, shape, o.classes, o.recipe.batchSize, o.recipe.seed);
  const { epochs, patience } = headSchedule(o.recipe);
  const started = Date.now();
  const fitted = await fit({
    model: model.head,
    which: 'transfer',
    phase: 1,
    epochs,
    patience,
    relativeImprovement: headImprovement(o.recipe),
    learningRate: o.recipe.learningRate,
    optimizer: o.recipe.optimizer,
    train: source(o.split.train),
    validation: source(o.split.validation),
    signal: o.signal,
    emit: o.emit,
    afterEpoch: async () => '',
    deadline: o.deadline,
  });
  const m = keptEpoch(fitted.history, fitted.stoppedEarly, headImprovement(o.recipe));
  const kept =
    !fitted.cancelled &&
    m !== undefined &&
    betterOnValidation(m, { valAccuracy: o.best.valAccuracy ?? -Infinity, valLoss: o.best.valLoss ?? Infinity });
  const figures = (acc?: number, loss?: number) =>
    `accuracy ${acc?.toFixed(3) ?? '?'}, loss ${loss?.toFixed(3) ?? '?'}`;
  const trial: Trial = {
    name,
    kind: 'transfer',
    cut: o.plan.featureLayer,
    detail: spec.dense
      ? `hidden layer of ${spec.dense}, dropout ${spec.dropout}, on cached features`
      : `the recipe's head on cached features of ${o.plan.featureLayer}`,
    epochs: fitted.history.length,
    valAccuracy: m?.valAccuracy,
    valLoss: m?.valLoss,
    seconds: (Date.now() - started) / 1000,
    outcome: 'not kept',
    reason: `validation ${figures(m?.valAccuracy, m?.valLoss)} ${kept ? 'beats' : 'does not beat'} ${o.best.name}'s ${figures(o.best.valAccuracy, o.best.valLoss)}`,
    budgetLeft: o.budgetLeft?.(),
  };
  o.emit({ kind: 'log', level: 'info', message: `Automatic flow: ${name}: ${trial.reason}` });
  const score = (samples: readonly Sample[]) =>
    scoreFeatures(model.head, samples, o.features, shape, o.classes, o.recipe.batchSize, o.signal);
  return { model, trial, kept, cancelled: fitted.cancelled, history: fitted.history, score };
}
