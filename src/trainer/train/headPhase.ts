// The first phase of a transfer run: the new head trains on the frozen base's cached features (once per
// image, into the feature cache), or on images when augmentation changes the pixels every epoch or the
// features would not fit in memory. For the automatic flow it also caches the features at the other
// candidate cuts of the base (one pass per image), which the head trials (headTrials.ts) train on.
import type { Trial } from '../../shared/evaluationTypes';
import {
  AUTO,
  AUTO_HEAD_BUDGET_SHARE,
  AUTO_WIDE_HEAD,
  candidateCuts,
  headSchedule,
  isAutomatic,
} from '../../shared/autoFlow';
import { splitBelowTrainable, type FrozenSplit } from '../models/frozenSplit';
import { headTrialOf } from './autoTrials';
import { activationsBelowTop } from './cachedTop';
import { CUT_POOLING, featuresAtCuts, type CutFeatures } from './cutFeatures';
import { ensembleInputPool } from './ensembleTrial';
import { fit, type FitResult } from './fitLoop';
import { cachedSplit } from './frozenParts';
import { scoreFeatures } from './predictions';
import { fineTuneBoundaries } from './topBoundaries';
import { budgetSeconds, fitCommon } from './runLifecycle';
import {
  activationOptions,
  checkpointer,
  fitOnImages,
  resumedEpochs,
  type TransferContext,
  type TransferState,
} from './transferContext';

/** The automatic flow's time budget, counted from the head's first epoch. */
export interface Budget {
  /** Date.now() when the whole budget runs out. */
  end: number;
  /** Seconds of the whole budget left now (for the trials table). */
  left(): number;
  /** Date.now() when a trial starting at `from` (default: now) has spent this share of the whole budget. */
  share(fraction: number, from?: number): number;
}

export interface HeadOutcome {
  /** The frozen part whose activations were cached (undefined: the head trained on images). */
  cached?: FrozenSplit;
  /** The candidate cuts of the base, the recipe's first; more than one only when their features are cached. */
  cuts: string[];
  atCuts?: CutFeatures;
  /** The pool size of the base's input kept with the cuts' features (the ensemble trial's pixels). */
  inputPool?: [number, number];
  /** The cached features the kept head trained on. */
  features?: Map<string, Float32Array>;
  /** The head as the automatic flow's first trial (the one later trials must beat). */
  trial: Trial;
  /** Whether the automatic flow tries a wider head as well. */
  widerHead: boolean;
  /** Each head trial's share of the whole budget. */
  headShare: number;
  budget: Budget;
}

export function budgetFrom(run: TransferContext, started: number): Budget {
  const seconds = budgetSeconds(run.recipe);
  const end = started + seconds * 1000;
  return {
    end,
    left: () => Math.max(0, (end - Date.now()) / 1000),
    share: (fraction, from = Date.now()) => from + seconds * 1000 * fraction,
  };
}

/** Trains the head; the state then holds its history, scorer and (automatic flow) its trial. */
export async function trainHead(run: TransferContext, state: TransferState): Promise<HeadOutcome> {
  const { recipe, split, emit } = run;
  const { plan, tm } = state;
  // Where the frozen part ends: the whole base (features of the cut layer), or the layers below the lowest
  // trainable one when a single tensor crosses. That part only ever infers, outside the gradient tape.
  const frozenPart: FrozenSplit | undefined = plan.baseFullyFrozen
    ? { boundary: plan.featureLayer, bottom: tm.features, top: tm.head, pooling: tm.pooling }
    : splitBelowTrainable(tm.full);
  const cut = cachedSplit(frozenPart, recipe, run.all.length);
  let trainingStarted = Date.now();
  // With a second head to try, each head gets half of the heads' share of the budget.
  const widerHead =
    recipe.epochs === AUTO && !recipe.head.dense && !run.resume && recipe.head.pooling === AUTO_WIDE_HEAD.pooling;
  // The automatic flow compares cuts of the base (issue 29); their features come from one pass per image.
  const cuts =
    cut && recipe.epochs === AUTO && !run.resume && !recipe.freeze.featureLayer && cut.pooling === CUT_POOLING
      ? candidateCuts(run.base.description.layers, plan.featureLayer)
      : [plan.featureLayer];
  const headShare = AUTO_HEAD_BUDGET_SHARE / (cuts.length + (widerHead ? 1 : 0));
  // The ensemble trial's pixels come from the same pass: the base's input, pooled.
  const inputPool =
    cut &&
    cut.pooling === CUT_POOLING &&
    recipe.epochs === AUTO &&
    !run.resume &&
    typeof recipe.secondPhase !== 'object'
      ? await ensembleInputPool(run)
      : undefined;
  let atCuts: CutFeatures | undefined;
  if (cut && (cuts.length > 1 || inputPool))
    atCuts = await featuresAtCuts({
      base: run.base,
      cuts,
      samples: run.all,
      cacheDir: run.cacheDir,
      batchSize: recipe.batchSize,
      skips: run.skips,
      signal: run.signal,
      emit,
      inputPool,
      // The automatic fine-tune's activations below its top blocks, from the same pass (topBoundaries.ts).
      activations:
        recipe.secondPhase === AUTO && recipe.epochs === AUTO && !run.resume
          ? fineTuneBoundaries(run.base.model, run.base.description.layers, cuts, run.all.length)
          : undefined,
    });
  const loop = {
    ...fitCommon(recipe, run),
    which: 'transfer' as const,
    phase: 1 as const,
    epochs: headSchedule(recipe).epochs,
    ...resumedEpochs(run, 1),
    learningRate: recipe.learningRate,
    afterEpoch: checkpointer(run, state, 1),
  };
  let fitted: FitResult;
  let features: Map<string, Float32Array> | undefined;
  let headDeadline: number | undefined;
  if (cut) {
    const cached = await activationsBelowTop(activationOptions(run, cut));
    const { hits, misses } = atCuts ?? cached;
    state.featureCache = { hits, misses };
    features = cached.features;
    const at = atCuts && cuts.length > 1 ? ` and at ${cuts.slice(1).join(', ')}` : '';
    emit({
      kind: 'log',
      level: 'info',
      message:
        `Layers up to ${cut.boundary}${at} are frozen: they ran once per image ` +
        `(feature cache: ${hits} hits, ${misses} computed; ${cached.folder}); only the layers above train`,
    });
    emit({ kind: 'stage', stage: 'training' });
    trainingStarted = Date.now();
    headDeadline =
      recipe.epochs === AUTO ? budgetFrom(run, trainingStarted).share(headShare, trainingStarted) : undefined;
    fitted = await fit({
      ...loop,
      deadline: headDeadline,
      model: cut.top,
      train: cached.source(split.train),
      validation: cached.source(split.validation),
    });
    const { shape } = cached;
    state.score = (samples) =>
      scoreFeatures(cut.top, samples, cached.features, shape, run.classes.length, recipe.batchSize, run.signal);
  } else {
    emit({ kind: 'stage', stage: 'training' });
    // On images (augmentation, or no cache): the automatic head gets the whole budget, there is no cheap second phase.
    headDeadline = recipe.epochs === AUTO ? budgetFrom(run, trainingStarted).end : undefined;
    fitted = await fitOnImages(run, state, frozenPart, { ...loop, deadline: headDeadline });
  }
  const budgetSpent = () => headDeadline !== undefined && Date.now() >= headDeadline;
  const seconds = (Date.now() - trainingStarted) / 1000;
  const trial = headTrialOf(recipe, fitted.history, fitted.stoppedEarly, seconds, budgetSpent, headShare);
  state.history = [...resumedEpochs(run, 1).earlier, ...fitted.history];
  state.cancelled = fitted.cancelled;
  state.trials = isAutomatic(recipe) ? [trial] : undefined;
  const budget = budgetFrom(run, trainingStarted);
  Object.assign(trial, { kind: 'transfer', cut: plan.featureLayer, budgetLeft: budget.left() });
  return { cached: cut, cuts, atCuts, inputPool, features, trial, widerHead, headShare, budget };
}
