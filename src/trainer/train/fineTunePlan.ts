// What an automatic fine-tune of the top blocks would cost, measured before deciding (issue 29): the frozen
// bottom for the examples whose activations are not cached yet (the feature pass usually stored them all,
// topBoundaries.ts), and one epoch of the top (its training steps and the validation pass). The flow then
// runs the largest second phase the time left affords (fineTuneChoice).
import { AUTO_TOP_BLOCKS, autoUnfreezeFrom, secondPhaseRate } from '../../shared/autoFlow';
import type { LayerInfo, TrainRecipe } from '../../shared/engineTypes';
import type { Trial } from '../../shared/evaluationTypes';
import { epochSeconds, trialSeconds, type EpochWork } from '../../shared/fineTuneEstimate';
import { secondPhasePlan, type FreezePlan } from '../../shared/freezePlan';
import type { Split } from '../../shared/split';
import { splitBelowTrainable, type FrozenSplit } from '../models/frozenSplit';
import { applyFreezePlan } from '../models/transferModel';
import * as tf from '../tf';
import type { CachedTopOptions } from './cachedTop';
import { cachedSplit } from './frozenParts';
import { measureCosts } from './measureCosts';
import { cachedActivations } from './topBoundaries';

/** The full second phase is started only when the budget left affords at least this many epochs. */
export const MIN_AFFORDABLE_EPOCHS = 3;

/** What planning needs of the run (autoFineTune.ts's FineTuneInput). */
export interface PlanInput extends CachedTopOptions {
  full: tf.LayersModel;
  plan: FreezePlan;
  layers: readonly LayerInfo[];
  recipe: TrainRecipe;
  split: Split;
}

export interface TopPlan {
  topBlocks: number;
  /** The first layer that trains. */
  from: string;
  /** The trial's name and what it does. */
  name: string;
  detail: string;
  /** Seconds to start the trial's training worker. */
  startSeconds: number;
  /** Seconds to have every activation: read back where cached, the bottom pass and storing for the rest. */
  computeSeconds: number;
  /** Examples whose activations below the top were cached already. */
  cached: number;
  /** Seconds of one epoch: the top's training steps and its validation pass (fineTuneEstimate.ts). */
  epochSeconds: number;
  /** What the epoch was estimated from. */
  work: EpochWork;
  /** Seconds for a fine-tune of this many epochs, all told. */
  estimate(epochs: number): number;
}

/** The trial's name for the top `topBlocks` blocks. */
export function topName(topBlocks: number): string {
  if (topBlocks === AUTO_TOP_BLOCKS) return 'fine-tune';
  return `fine-tune top ${topBlocks === 1 ? 'block' : `${topBlocks} blocks`}`;
}

/**
 * Measures the fine-tune of the top `topBlocks` blocks, or says why it cannot run. The model is left with
 * the run's freeze plan (useTop() applies the chosen one).
 */
export async function planTop(o: PlanInput, topBlocks: number): Promise<TopPlan | { reason: string; detail: string }> {
  const from = autoUnfreezeFrom(o.layers, o.plan.featureLayer, topBlocks);
  if (!from) {
    const reason = `the kept base has too few blocks to fine-tune only its top (cut at ${o.plan.featureLayer})`;
    return { reason, detail: 'top blocks' };
  }
  const detail = `from ${from} at learning rate ${secondPhaseRate(o.recipe.learningRate)}`;
  try {
    const part = useTop(o, from);
    if (!('top' in part)) return { ...part, detail };
    const { cached, readSeconds, storeSeconds } = await cachedActivations({ ...o, part });
    // The bottom runs for activations not cached (an augmented trial measures its own loop, augmentedCost.ts).
    const cost = await measureCosts(part, o, cached < o.samples.length);
    const computeSeconds = readSeconds + storeSeconds + (o.samples.length - cached) * cost.bottomSecondsPerImage;
    const work: EpochWork = {
      trainExamples: o.split.train.length,
      batchSize: o.recipe.batchSize,
      stepSeconds: cost.stepSeconds,
      validationExamples: o.split.validation.length,
      predictSecondsPerExample: cost.topSecondsPerImage,
    };
    const costs = { startSeconds: cost.startSeconds, computeSeconds, epochSeconds: epochSeconds(work) };
    return {
      topBlocks,
      from,
      name: topName(topBlocks),
      detail,
      ...costs,
      work,
      cached,
      estimate: (epochs) => trialSeconds(costs, epochs),
    };
  } finally {
    applyFreezePlan(o.full, o.plan);
  }
}

/** Applies the second-phase freeze from `from` and splits the model there, or says why it cannot be cached. */
export function useTop(o: PlanInput, from: string): FrozenSplit | { reason: string } {
  applyFreezePlan(o.full, secondPhasePlan(o.plan, o.layers, from));
  const split = splitBelowTrainable(o.full);
  const part = cachedSplit(split, o.recipe, o.samples.length);
  if (part) return part;
  applyFreezePlan(o.full, o.plan);
  return {
    reason: split
      ? 'the cached activations would not fit in memory'
      : `no single tensor separates the layers below ${from} from the rest`,
  };
}

/** Whole epochs a plan affords in `left` seconds. */
export function affordableEpochs(p: TopPlan, left: number): number {
  return Math.max(0, Math.floor((left - p.startSeconds - p.computeSeconds) / p.epochSeconds));
}

/**
 * The largest second phase that fits: the first plan (most blocks first) that affords MIN_AFFORDABLE_EPOCHS,
 * else the plan affording the most epochs, for those epochs; undefined when none affords one.
 */
export function fineTuneChoice(
  plans: readonly TopPlan[],
  left: number,
): { plan: TopPlan; epochs?: number } | undefined {
  const full = plans.find((p) => affordableEpochs(p, left) >= MIN_AFFORDABLE_EPOCHS);
  if (full) return { plan: full };
  const most = plans.reduce<TopPlan | undefined>(
    (a, p) => (a === undefined || affordableEpochs(p, left) > affordableEpochs(a, left) ? p : a),
    undefined,
  );
  const epochs = most ? affordableEpochs(most, left) : 0;
  return most && epochs >= 1 ? { plan: most, epochs } : undefined;
}

/** Records a trial that did not run, and says why. */
export function skipper(o: PlanInput, trials: Trial[], left: () => number) {
  return (name: string, detail: string, reason: string, estimateSeconds?: number) => {
    const cut = o.plan.featureLayer;
    const budgetLeft = left();
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
      budgetLeft,
    });
    o.emit({ kind: 'log', level: 'info', message: `Automatic flow: ${name} skipped: ${reason}` });
  };
}
