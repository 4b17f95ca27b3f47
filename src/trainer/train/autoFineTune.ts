// The second half of the automatic flow: after the head has converged on cached features, try fine-tuning
// the top blocks at a lower rate (first on cached activations, then, for small data, with augmentation),
// each only when the time budget allows by an estimate measured before starting, and each kept only when
// validation improves. Every try, skip and verdict is recorded as a Trial.
import type { EpochMetrics, LayerInfo, TrainRecipe, Trial } from '../../shared/engineTypes';
import {
  AUTO_MIN_RELATIVE_IMPROVEMENT,
  AUTO_FINE_TUNE_EPOCHS,
  AUTO_FINE_TUNE_PATIENCE,
  AUTO_TOP_BLOCKS,
  autoUnfreezeFrom,
  betterOnValidation,
  improves,
  SMALL_DATA_PER_CLASS,
  secondPhaseRate,
} from '../../shared/autoFlow';
import type { Sample, Split } from '../../shared/split';
import { secondPhasePlan, type FreezePlan } from '../../shared/freezePlan';
import { splitBelowTrainable } from '../models/frozenSplit';
import { applyFreezePlan } from '../models/transferModel';
import { DEFAULT_AUGMENTATION } from '../../shared/recipeDefaults';
import * as tf from '../tf';
import { dataKind } from '../data/kinds/registry';
import { exampleSource } from './batchSources';
import { activationsBelowTop, type CachedTopOptions } from './cachedTop';
import type { Scored } from './evaluation';
import type { FitResult } from './fitLoop';
import { measureCosts } from './measureCosts';
import { fitDataParallel } from './parallelFit';
import { cachedSplit, throughFrozen } from './frozenParts';
import { scoreFeatures } from './predictions';

/** A fine-tuning trial must have time for at least this many epochs to be started. */
const MIN_AFFORDABLE_EPOCHS = 3;

/** The run's activation-cache options (transferContext.ts's activationOptions), and what fine-tuning adds. */
export interface FineTuneInput extends CachedTopOptions {
  full: tf.LayersModel;
  plan: FreezePlan;
  layers: readonly LayerInfo[];
  recipe: TrainRecipe;
  split: Split;
  /** The head's trial: the one to beat. */
  head: Trial;
  /** Date.now() when the budget runs out. */
  deadline: number;
}

export interface FineTuneOutcome {
  trials: Trial[];
  history: EpochMetrics[];
  cancelled: boolean;
  /** How to score the kept model when a fine-tuned one was kept (else the caller's head scorer stands). */
  score?: (samples: readonly Sample[]) => Promise<Scored[]>;
}

/**
 * Validation figures of the weights a fit ended with: when it stopped early, the last epoch that counted as an
 * improvement under the same rule the fit used (improves()), else the last epoch.
 */
export function keptEpoch(
  history: readonly EpochMetrics[],
  stoppedEarly: boolean,
  relative?: number,
): EpochMetrics | undefined {
  if (!stoppedEarly || history.length === 0) return history[history.length - 1];
  return history.reduce((a, b) => (improves(b.valLoss, a.valLoss, relative) ? b : a));
}

/**
 * Fine-tunes the top AUTO_TOP_BLOCKS blocks; when the budget left cannot take that, the top block alone
 * (fewer layers to run and train each epoch), so the time left goes to what fits.
 */
export async function autoFineTune(o: FineTuneInput): Promise<FineTuneOutcome> {
  const full = await fineTuneTop(o, AUTO_TOP_BLOCKS);
  if (!full.tooSlow) return full;
  const fewer = await fineTuneTop(o, 1);
  return { ...fewer, trials: [...full.trials, ...fewer.trials] };
}

async function fineTuneTop(o: FineTuneInput, topBlocks: number): Promise<FineTuneOutcome & { tooSlow?: boolean }> {
  const trials: Trial[] = [];
  const history: EpochMetrics[] = [];
  const left = () => Math.max(0, (o.deadline - Date.now()) / 1000);
  const skip = (name: string, detail: string, reason: string, estimateSeconds?: number) => {
    const cut = o.plan.featureLayer;
    trials.push({
      name,
      kind: 'transfer',
      cut,
      detail,
      epochs: 0,
      seconds: 0,
      estimateSeconds,
      outcome: 'skipped',
      reason,
      budgetLeft: left(),
    });
    o.emit({ kind: 'log', level: 'info', message: `Automatic flow: ${name} skipped: ${reason}` });
  };
  const from = autoUnfreezeFrom(o.layers, o.plan.featureLayer, topBlocks);
  const trialName =
    topBlocks === AUTO_TOP_BLOCKS ? 'fine-tune' : `fine-tune top ${topBlocks === 1 ? 'block' : `${topBlocks} blocks`}`;
  const rate = secondPhaseRate(o.recipe.learningRate);
  if (!from) {
    skip(
      trialName,
      'top blocks',
      `the kept base has too few blocks to fine-tune only its top (cut at ${o.plan.featureLayer})`,
    );
    return { trials, history, cancelled: false };
  }
  const detail = `from ${from} at learning rate ${rate}`;
  applyFreezePlan(o.full, secondPhasePlan(o.plan, o.layers, from));
  const split = splitBelowTrainable(o.full);
  const all = [...o.split.train, ...o.split.validation, ...o.split.test];
  const part = cachedSplit(split, o.recipe, all.length);
  if (!part) {
    skip(
      trialName,
      detail,
      split
        ? 'the cached activations would not fit in memory'
        : `no single tensor separates the layers below ${from} from the rest`,
    );
    applyFreezePlan(o.full, o.plan);
    return { trials, history, cancelled: false };
  }
  let best = o.head;
  let bestWeights = o.full.getWeights().map((w) => w.clone());
  let score: FineTuneOutcome['score'];
  let cancelled = false;
  try {
    const cost = await measureCosts(part, o);
    const batches = Math.ceil(o.split.train.length / o.recipe.batchSize);
    const epochSeconds = batches * cost.stepSeconds * 1.25; // validation passes add about a quarter
    const estimate = all.length * cost.bottomSecondsPerImage + MIN_AFFORDABLE_EPOCHS * epochSeconds;
    if (estimate > left()) {
      skip(
        trialName,
        detail,
        `estimated ${estimate.toFixed(0)} s for ${MIN_AFFORDABLE_EPOCHS} epochs, ${left().toFixed(0)} s of the budget left`,
        estimate,
      );
      return { trials, history, cancelled: false, tooSlow: topBlocks > 1 };
    }
    o.emit({
      kind: 'log',
      level: 'info',
      message: `Automatic flow: fine-tuning ${detail}: estimated ${estimate.toFixed(0)} s for the frozen bottom once per image and the first ${MIN_AFFORDABLE_EPOCHS} epochs (${left().toFixed(0)} s of the budget left); it stops after ${AUTO_FINE_TUNE_PATIENCE} epochs without improvement, at most ${AUTO_FINE_TUNE_EPOCHS}, or when the budget is spent`,
    });
    const started = Date.now();
    const { source, features, shape } = await activationsBelowTop({ ...o, part, samples: all });
    const common = {
      which: 'transfer' as const,
      phase: 2 as const,
      epochs: AUTO_FINE_TUNE_EPOCHS,
      learningRate: rate,
      optimizer: o.recipe.optimizer,
      patience: AUTO_FINE_TUNE_PATIENCE,
      relativeImprovement: AUTO_MIN_RELATIVE_IMPROVEMENT,
      signal: o.signal,
      emit: o.emit,
      afterEpoch: async () => '',
      deadline: o.deadline,
    };
    // Each trial's estimate is compared with what it took: the same cost model, for the epochs that ran.
    const judge = (
      name: string,
      trialDetail: string,
      fitted: FitResult,
      seconds: number,
      estimateFor: (epochs: number) => number,
    ) => {
      history.push(...fitted.history);
      const m = keptEpoch(fitted.history, fitted.stoppedEarly, AUTO_MIN_RELATIVE_IMPROVEMENT);
      const estimateSeconds = estimateFor(fitted.history.length);
      o.emit({
        kind: 'log',
        level: 'info',
        message: `Automatic flow: ${name}: ${fitted.history.length} epochs took ${seconds.toFixed(1)} s, estimated ${estimateSeconds.toFixed(1)} s`,
      });
      const trial: Trial = {
        name,
        kind: 'transfer',
        cut: o.plan.featureLayer,
        budgetLeft: left(),
        detail: trialDetail,
        epochs: fitted.history.length,
        valAccuracy: m?.valAccuracy,
        valLoss: m?.valLoss,
        seconds,
        estimateSeconds,
        outcome: 'not kept',
        reason: '',
      };
      const better = m !== undefined && betterOnValidation(m, bestFigures(best));
      trial.reason = m ? comparison(m, best, better) : 'no epoch finished';
      trials.push(trial);
      if (better) {
        best = trial;
        tf.dispose(bestWeights);
        bestWeights = o.full.getWeights().map((w) => w.clone());
        score = (samples) => scoreFeatures(part.top, samples, features, shape, o.classes, o.recipe.batchSize, o.signal);
      } else {
        o.full.setWeights(bestWeights);
      }
      o.emit({ kind: 'log', level: 'info', message: `Automatic flow: ${name}: ${trial.reason}` });
    };
    const cachedRun = await fitDataParallel({
      ...common,
      model: part.top,
      train: source(o.split.train),
      validation: source(o.split.validation),
    });
    cancelled = cachedRun.cancelled;
    if (!cancelled)
      judge(
        trialName,
        `${detail}, cached activations`,
        cachedRun,
        (Date.now() - started) / 1000,
        (epochs) => all.length * cost.bottomSecondsPerImage + epochs * epochSeconds,
      );
    // Augmentation changes the pixels every epoch, so the bottom runs again on every training image.
    const perClass = o.split.train.length / o.classes;
    const augmentedEpoch = o.split.train.length * cost.bottomSecondsPerImage + epochSeconds;
    const augmentedEstimate = MIN_AFFORDABLE_EPOCHS * augmentedEpoch;
    const augName = 'fine-tune + augmentation';
    const augDetail = `${detail}, images augmented (${Object.entries(DEFAULT_AUGMENTATION)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`;
    if (cancelled) return { trials, history, cancelled, score };
    if (perClass >= SMALL_DATA_PER_CLASS) {
      skip(
        augName,
        augDetail,
        `${perClass.toFixed(0)} training images per class; augmentation is tried below ${SMALL_DATA_PER_CLASS}`,
      );
    } else if (augmentedEstimate > left()) {
      skip(
        augName,
        augDetail,
        `estimated ${augmentedEstimate.toFixed(0)} s for ${MIN_AFFORDABLE_EPOCHS} epochs, ${left().toFixed(0)} s of the budget left`,
        augmentedEstimate,
      );
    } else {
      const augStarted = Date.now();
      const images = {
        train: exampleSource(
          dataKind(o.input),
          o.input,
          o.split.train,
          o.classes,
          o.recipe.batchSize,
          o.recipe.seed,
          o.skips,
          DEFAULT_AUGMENTATION,
        ),
        validation: source(o.split.validation),
      };
      const augRun = await throughFrozen(part, common, images, source(o.split.validation));
      cancelled = augRun.cancelled;
      if (!cancelled)
        judge(augName, augDetail, augRun, (Date.now() - augStarted) / 1000, (epochs) => epochs * augmentedEpoch);
    }
    return { trials, history, cancelled, score };
  } finally {
    tf.dispose(bestWeights);
    // Nothing fine-tuned was kept: the model is saved with the head-only freeze it was trained with.
    if (!score) applyFreezePlan(o.full, o.plan);
  }
}

function bestFigures(t: Trial): { valAccuracy: number; valLoss: number } {
  return { valAccuracy: t.valAccuracy ?? -Infinity, valLoss: t.valLoss ?? Infinity };
}

function comparison(m: EpochMetrics, best: Trial, better: boolean): string {
  const figures = (acc: number | undefined, loss: number | undefined) => `accuracy ${fmt(acc)}, loss ${fmt(loss)}`;
  return `validation ${figures(m.valAccuracy, m.valLoss)} ${better ? 'beats' : 'does not beat'} ${best.name}'s ${figures(best.valAccuracy, best.valLoss)}`;
}

const fmt = (v: number | undefined) => (v === undefined ? '?' : v.toFixed(3));
