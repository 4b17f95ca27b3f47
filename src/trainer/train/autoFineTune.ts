// The second half of the automatic flow: after the head has converged on cached features, try fine-tuning
// the top blocks at a lower rate (first on cached activations, then, for small data, with augmentation),
// each only when the time budget allows by an estimate measured before starting, and each kept only when
// validation improves. Every try, skip and verdict is recorded as a Trial.
import type { EpochMetrics, Trial } from '../../shared/evaluationTypes';
import {
  AUTO_MIN_RELATIVE_IMPROVEMENT,
  AUTO_FINE_TUNE_EPOCHS,
  AUTO_FINE_TUNE_PATIENCE,
  AUTO_TOP_BLOCKS,
  betterOnValidation,
  improves,
  SMALL_DATA_PER_CLASS,
  secondPhaseRate,
} from '../../shared/autoFlow';
import { augmentedTrialSeconds, nextEpochSeconds } from '../../shared/fineTuneEstimate';
import type { Sample } from '../../shared/split';
import { applyFreezePlan } from '../models/transferModel';
import { DEFAULT_AUGMENTATION } from '../../shared/recipeDefaults';
import * as tf from '../tf';
import { dataKind } from '../data/kinds/registry';
import { exampleSource } from './batchSources';
import { activationsBelowTop } from './cachedTop';
import type { Scored } from './evaluation';
import {
  affordableEpochs,
  fineTuneChoice,
  MIN_AFFORDABLE_EPOCHS,
  planTop,
  topName,
  useTop,
  type PlanInput,
  skipper,
  type TopPlan,
} from './fineTunePlan';
import type { FitResult } from './fitLoop';
import { fitDataParallel } from './parallelFit';
import { throughFrozen } from './frozenParts';
import { measureAugmented } from './augmentedCost';
import { augmentedLine, comparison, estimateParts } from './fineTuneMessages';
import { plural } from '../../shared/plural';
import { scoreFeatures } from './predictions';

/** The run's activation-cache options (transferContext.ts's activationOptions), and what fine-tuning adds. */
export interface FineTuneInput extends PlanInput {
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
 * The largest second phase the budget left affords (fineTunePlan.ts): the top AUTO_TOP_BLOCKS blocks, else
 * the top block alone (fewer layers to run and train each epoch), each for at least MIN_AFFORDABLE_EPOCHS;
 * else whichever affords the most epochs, for those. What did not fit is recorded as skipped.
 */
export async function autoFineTune(o: FineTuneInput): Promise<FineTuneOutcome> {
  const skipped: Trial[] = [];
  const left = () => Math.max(0, (o.deadline - Date.now()) / 1000);
  const skip = skipper(o, skipped, left);
  const plans: TopPlan[] = [];
  for (const topBlocks of [AUTO_TOP_BLOCKS, 1]) {
    const planned = await planTop(o, topBlocks);
    if (!('from' in planned)) {
      skip(topName(topBlocks), planned.detail, planned.reason);
      if (topBlocks === AUTO_TOP_BLOCKS) break;
      continue;
    }
    plans.push(planned);
    const epochs = affordableEpochs(planned, left());
    if (epochs >= MIN_AFFORDABLE_EPOCHS) break;
    const estimate = planned.estimate(MIN_AFFORDABLE_EPOCHS);
    skip(
      planned.name,
      planned.detail,
      `estimated ${estimate.toFixed(0)} s for ${MIN_AFFORDABLE_EPOCHS} epochs (the activations ` +
        `${planned.computeSeconds.toFixed(0)} s, ${planned.cached} of ${o.samples.length} cached; an epoch ` +
        `${planned.epochSeconds.toFixed(0)} s), ${left().toFixed(0)} s of the budget left`,
      estimate,
    );
  }
  const chosen = fineTuneChoice(plans, left());
  if (!chosen) return { trials: skipped, history: [], cancelled: false };
  const ran = await fineTuneTop(o, chosen.plan, chosen.epochs);
  return { ...ran, trials: [...skipped, ...ran.trials] };
}

async function fineTuneTop(o: FineTuneInput, plan: TopPlan, fewerEpochs?: number): Promise<FineTuneOutcome> {
  const trials: Trial[] = [];
  const history: EpochMetrics[] = [];
  const left = () => Math.max(0, (o.deadline - Date.now()) / 1000);
  const skip = skipper(o, trials, left);
  const part = useTop(o, plan.from);
  if (!('top' in part)) {
    skip(plan.name, plan.detail, part.reason);
    return { trials, history, cancelled: false };
  }
  const { detail, epochSeconds } = plan;
  const trialName = fewerEpochs ? `${plan.name}, ${plural(fewerEpochs, 'epoch')}` : plan.name;
  const epochs = fewerEpochs ?? AUTO_FINE_TUNE_EPOCHS;
  const rate = secondPhaseRate(o.recipe.learningRate);
  const all = o.samples;
  let best = o.head;
  let bestWeights = o.full.getWeights().map((w) => w.clone());
  let score: FineTuneOutcome['score'];
  let cancelled = false;
  try {
    const firstEpochs = fewerEpochs ?? MIN_AFFORDABLE_EPOCHS;
    const estimate = plan.estimate(firstEpochs);
    o.emit({
      kind: 'log',
      level: 'info',
      message:
        `Automatic flow: ${trialName} ${detail}: estimated ${estimate.toFixed(0)} s for the activations ` +
        `(${plan.cached} of ${all.length} cached by the feature pass) and ${plural(firstEpochs, 'epoch')} ` +
        `(${left().toFixed(0)} s of the budget left); it stops after ${AUTO_FINE_TUNE_PATIENCE} epochs ` +
        `without improvement, at most ${epochs}, or when the budget would run out during the next epoch ` +
        `(${estimateParts(plan)})`,
    });
    const started = Date.now();
    const { source, features, shape } = await activationsBelowTop({ ...o, part, samples: all });
    const ready = (Date.now() - started) / 1000;
    const common = {
      which: 'transfer' as const,
      phase: 2 as const,
      epochs,
      learningRate: rate,
      optimizer: o.recipe.optimizer,
      patience: AUTO_FINE_TUNE_PATIENCE,
      relativeImprovement: AUTO_MIN_RELATIVE_IMPROVEMENT,
      signal: o.signal,
      emit: o.emit,
      afterEpoch: async () => '',
      deadline: reserving(o.deadline, epochSeconds),
    };
    // Each trial's estimate is compared with what it took: the same cost model, for the epochs that ran.
    const judge = (
      name: string,
      trialDetail: string,
      fitted: FitResult,
      seconds: number,
      estimateFor: (epochs: number) => number,
      note = '',
    ) => {
      history.push(...fitted.history);
      const m = keptEpoch(fitted.history, fitted.stoppedEarly, AUTO_MIN_RELATIVE_IMPROVEMENT);
      const estimateSeconds = estimateFor(fitted.history.length);
      o.emit({
        kind: 'log',
        level: 'info',
        message:
          `Automatic flow: ${name}: ${plural(fitted.history.length, 'epoch')} took ${seconds.toFixed(1)} s` +
          `${note}, estimated ${estimateSeconds.toFixed(1)} s`,
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
        plan.estimate,
        ` (the activations ${ready.toFixed(1)} s of it, estimated ${plan.computeSeconds.toFixed(1)} s)`,
      );
    // Augmentation changes the pixels every epoch, so the bottom runs again on every training image.
    const perClass = o.split.train.length / o.classes;
    const augName = 'fine-tune + augmentation';
    const augDetail = `${detail}, images augmented (${Object.entries(DEFAULT_AUGMENTATION)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`;
    if (cancelled) return { trials, history, cancelled, score };
    const augmentedOf = (samples: readonly Sample[]) =>
      exampleSource(
        dataKind(o.input),
        o.input,
        samples,
        o.classes,
        o.recipe.batchSize,
        o.recipe.seed,
        o.skips,
        DEFAULT_AUGMENTATION,
      );
    // Measured by running the augmented loop itself on a few batches, only when the trial may run.
    const augmentedCosts =
      perClass < SMALL_DATA_PER_CLASS && !fewerEpochs
        ? await measureAugmented(part, {
            fit: common,
            train: o.split.train,
            batchSize: o.recipe.batchSize,
            images: (samples) => augmentedOf(samples),
            validation: source(o.split.validation.slice(0, 1)),
            replayEpochSeconds: epochSeconds,
          })
        : undefined;
    if (augmentedCosts) o.emit({ kind: 'log', level: 'info', message: augmentedLine(augmentedCosts) });
    const augmentedFor = (n: number) => (augmentedCosts ? augmentedTrialSeconds(plan.work, augmentedCosts, n) : 0);
    const augmentedEstimate = augmentedFor(MIN_AFFORDABLE_EPOCHS);
    if (perClass >= SMALL_DATA_PER_CLASS) {
      skip(
        augName,
        augDetail,
        `${perClass.toFixed(0)} training images per class; augmentation is tried below ${SMALL_DATA_PER_CLASS}`,
      );
    } else if (fewerEpochs || augmentedEstimate > left()) {
      skip(
        augName,
        augDetail,
        fewerEpochs
          ? `the fine-tune on cached activations had time for ${plural(fewerEpochs, 'epoch')} only`
          : `estimated ${augmentedEstimate.toFixed(0)} s for ${MIN_AFFORDABLE_EPOCHS} epochs, ${left().toFixed(0)} s of the budget left`,
        augmentedEstimate || undefined,
      );
    } else {
      const augStarted = Date.now();
      const images = { train: augmentedOf(o.split.train), validation: source(o.split.validation) };
      const augCommon = { ...common, deadline: reserving(o.deadline, augmentedFor(1)) };
      const augRun = await throughFrozen(part, augCommon, images, source(o.split.validation));
      cancelled = augRun.cancelled;
      if (!cancelled) judge(augName, augDetail, augRun, (Date.now() - augStarted) / 1000, augmentedFor);
    }
    return { trials, history, cancelled, score };
  } finally {
    tf.dispose(bestWeights);
    // Nothing fine-tuned was kept: the model is saved with the head-only freeze it was trained with.
    if (!score) applyFreezePlan(o.full, o.plan);
  }
}

/** No epoch starts that would end after `deadline`: by the estimate, then by what the epochs took. */
function reserving(deadline: number, estimate: number) {
  return (ran: readonly EpochMetrics[]) =>
    deadline -
    1000 *
      nextEpochSeconds(
        estimate,
        ran.map((m) => m.seconds),
      );
}

function bestFigures(t: Trial): { valAccuracy: number; valLoss: number } {
  return { valAccuracy: t.valAccuracy ?? -Infinity, valLoss: t.valLoss ?? Infinity };
}
