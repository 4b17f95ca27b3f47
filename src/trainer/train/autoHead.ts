// The automatic flow's second head: besides the recipe's (a linear layer on the features), a wider one with
// a hidden layer, trained on the same cached features; kept only when it does better on validation. On small
// sets the linear head often underfits what the features hold (Fashion-MNIST shirts, MNIST digits on
// MobileNetV2 features), and a head epoch on cached features costs milliseconds.
import { AUTO_WIDE_HEAD, betterOnValidation, headImprovement, headSchedule } from '../../shared/autoFlow';
import type { EpochMetrics, ProgressEvent, TrainRecipe, Trial } from '../../shared/engineTypes';
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
  const model = buildTransferModel(o.base, o.plan, AUTO_WIDE_HEAD, o.classes, o.recipe.seed);
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
    name: 'wider head',
    detail: `hidden layer of ${AUTO_WIDE_HEAD.dense}, dropout ${AUTO_WIDE_HEAD.dropout}, on cached features`,
    epochs: fitted.history.length,
    valAccuracy: m?.valAccuracy,
    valLoss: m?.valLoss,
    seconds: (Date.now() - started) / 1000,
    outcome: 'not kept',
    reason: `validation ${figures(m?.valAccuracy, m?.valLoss)} ${kept ? 'beats' : 'does not beat'} ${o.best.name}'s ${figures(o.best.valAccuracy, o.best.valLoss)}`,
  };
  o.emit({ kind: 'log', level: 'info', message: `Automatic flow: wider head: ${trial.reason}` });
  const score = (samples: readonly Sample[]) =>
    scoreFeatures(model.head, samples, o.features, shape, o.classes, o.recipe.batchSize, o.signal);
  return { model, trial, kept, cancelled: fitted.cancelled, history: fitted.history, score };
}
