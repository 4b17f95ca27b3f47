// The automatic flow's other heads, each on cached features and kept only when it does better on validation:
// the recipe's head at another cut of the base (see candidateCuts), and a wider one with a hidden layer at the
// kept cut. On small sets the linear head often underfits what the features hold (Fashion-MNIST shirts, MNIST
// digits on MobileNetV2 features), and a head epoch on cached features costs milliseconds.
import { AUTO_WIDE_HEAD, betterOnValidation, headImprovement, headSchedule } from '../../shared/autoFlow';
import type { HeadSpec, ProgressEvent, TrainRecipe } from '../../shared/engineTypes';
import type { EpochMetrics, Trial } from '../../shared/evaluationTypes';
import type { Sample, Split } from '../../shared/split';
import type { CancelSignal } from '../../shared/engineError';
import type { FreezePlan } from '../../shared/freezePlan';
import { buildTransferModel, type TransferModel } from '../models/transferModel';
import type * as tf from '../tf';
import { keptEpoch } from './autoFineTune';
import { featureSource } from './batchSources';
import type { Scored } from './evaluation';
import { fit, validate, type BatchSource, type FitResult } from './fitLoop';
import { foldStandardization, standardize, warmStartLinearHead, type WarmStart } from './headWarmStart';
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
  const started = Date.now();
  // Trained on standardized features, folded back at the end (see headWarmStart.ts).
  const standardized = standardize(o.features, o.split.train);
  const source = (samples: readonly Sample[]) =>
    featureSource(samples, standardized.features, shape, o.classes, o.recipe.batchSize, o.recipe.seed);
  const warm = await warmStartLinearHead(model.head, standardized.features, o.split.train, o.classes, o.deadline);
  const fitted = warm ? await converged(model.head, warm, source, o) : await fitHead(model.head, source, o);
  foldStandardization(model.head, standardized);
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
    detail: `${spec.dense ? `hidden layer of ${spec.dense}, dropout ${spec.dropout}` : "the recipe's head"} on standardized cached features of ${o.plan.featureLayer}${warm ? warmNote(warm) : ''}`,
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

type Source = (samples: readonly Sample[]) => BatchSource;

/** A head with a hidden layer: epochs until validation loss stops improving or the deadline. */
function fitHead(head: tf.LayersModel, source: Source, o: WiderHeadInput): Promise<FitResult> {
  const { epochs, patience } = headSchedule(o.recipe);
  return fit({
    model: head,
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
}

/**
 * A linear head fitted by the logistic regression is converged: its one "epoch" is that fit, scored like an
 * epoch (Adam epochs on top only moved it around: 0.833 → 0.82 on validation at block_13_expand_relu).
 */
async function converged(head: tf.LayersModel, warm: WarmStart, source: Source, o: WiderHeadInput): Promise<FitResult> {
  const train = await validate(head, source(o.split.train), o.signal);
  const val = await validate(head, source(o.split.validation), o.signal);
  const metrics: EpochMetrics = {
    phase: 1,
    epoch: 1,
    loss: train.loss,
    accuracy: train.accuracy,
    valLoss: val.loss,
    valAccuracy: val.accuracy,
    seconds: warm.seconds,
  };
  o.emit({ kind: 'epoch', model: 'transfer', metrics, epochs: 1, checkpoint: '' });
  return { history: [metrics], cancelled: o.signal.isCancellationRequested, stoppedEarly: false };
}

/** How a linear head started, for its trial's detail. */
export const warmNote = (w: WarmStart) =>
  `, started from a logistic regression (${w.steps} full-batch steps, ${w.seconds.toFixed(1)} s)`;
