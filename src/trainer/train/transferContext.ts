// A transfer run in two halves: what stays fixed from its start to its end (the context: the prepared split,
// the cancel signal and progress sink, the base) and what its phases change (the state: the model that would
// be saved, its history and scorer, the trials). Each phase (transferRun.ts runs them in order) is a function
// of both.
import type { RunResult, TrainRecipe } from '../../shared/engineTypes';
import type { EpochMetrics, Trial } from '../../shared/evaluationTypes';
import type { ImageInput } from '../../shared/inputSpec';
import type { Sample } from '../../shared/split';
import { AUTO, AUTO_CHECKPOINT_SECONDS } from '../../shared/autoFlow';
import { resolvedFreeze, resolveFreezePlan, type FreezePlan } from '../../shared/freezePlan';
import type { BaseModel } from '../models/baseModel';
import { countParams } from '../models/layerInfo';
import type { FrozenSplit } from '../models/frozenSplit';
import { buildTransferModel, type TransferModel } from '../models/transferModel';
import type * as tf from '../tf';
import type { CachedTopOptions } from './cachedTop';
import type { Scored } from './evaluation';
import type { FitOptions, FitResult } from './fitLoop';
import { fit } from './fitLoop';
import { throughFrozen } from './frozenParts';
import type { EnsembleWinner } from './ensembleTrial';
import type { PixelWinner } from './pixelTrials';
import { dataKind } from '../data/kinds/registry';
import { scoreExamples } from './predictions';
import { exampleSources, type Prepared, type RunContext } from './runLifecycle';
import { saveCheckpoint } from './runFolder';

/** Scores samples with the model a phase would keep. */
export type Scorer = (samples: readonly Sample[]) => Promise<Scored[]>;

/** What a transfer run knows from its start and never changes: its split, its base, where it writes. */
export interface TransferContext extends Prepared, RunContext {
  readonly base: BaseModel;
  /** What the base takes (its kind's module decodes the examples). */
  readonly input: ImageInput;
  /** Every sample any phase reads (train, validation, test), in this order. */
  readonly all: readonly Sample[];
  /** The history of the checkpoint resumed from (empty for a new run). */
  readonly done: readonly EpochMetrics[];
}

/** What the phases change, in the order they run. */
export interface TransferState {
  plan: FreezePlan;
  /** The transfer model that would be saved. */
  tm: TransferModel;
  history: EpochMetrics[];
  score: Scorer;
  params: { trainable: number; frozen: number };
  cancelled: boolean;
  /** The automatic flow's trials (undefined for a recipe that chose everything). */
  trials?: Trial[];
  /** The recipe the run folder keeps (the resolved freeze, and later the kept cut). */
  runRecipe: TrainRecipe;
  /** A baseline without transfer that beat every head so far. */
  pixelWinner?: PixelWinner;
  /** The kept transfer model and a pixel MLP averaged, when that beat every trial before it. */
  ensemble?: EnsembleWinner;
  featureCache?: RunResult['featureCache'];
  /** Models that lost a trial (or were replaced by one): disposed at the end. */
  replaced: tf.LayersModel[];
  /** When and where the last checkpoint was saved (the automatic head saves every few seconds only). */
  lastCheckpoint: { at: number; path: string };
}

export function transferContext(p: Prepared, ctx: RunContext, base: BaseModel, input: ImageInput): TransferContext {
  const { split } = p;
  return {
    ...p,
    ...ctx,
    base,
    input,
    all: [...split.train, ...split.validation, ...split.test],
    done: p.resume?.history ?? [],
  };
}

/** The recipe's model on its freeze plan; the run folder's recipe says which layers that froze. */
export function initialState(run: TransferContext): TransferState {
  const { recipe, base } = run;
  const plan = resolveFreezePlan(base.description.layers, recipe.freeze, base.description.defaultFeatureLayer);
  const tm = buildTransferModel(base.model, plan, recipe.head, run.classes.length, recipe.seed);
  const state: TransferState = {
    plan,
    tm,
    history: [],
    score: () => Promise.resolve([]),
    params: countParams(tm.full),
    cancelled: false,
    runRecipe: { ...recipe, freeze: resolvedFreeze(base.description.layers, plan) },
    replaced: [],
    lastCheckpoint: { at: 0, path: '' },
  };
  state.score = scoreFull(run, state);
  return state;
}

/** Scores on examples with the full model the state holds when scoring starts. */
export function scoreFull(run: TransferContext, state: TransferState): Scorer {
  const { input, classes, recipe, skips, signal } = run;
  return (samples) =>
    scoreExamples(state.tm.full, dataKind(input), input, samples, classes.length, recipe.batchSize, skips, signal);
}

/** Saves a phase's checkpoint after each epoch, with the history of the run so far. */
export function checkpointer(run: TransferContext, state: TransferState, phase: 1 | 2) {
  const before =
    phase === 1 ? run.done.filter((h) => h.phase === 1) : [...state.history, ...run.done.filter((h) => h.phase === 2)];
  // An automatic head epoch on cached features takes milliseconds and saving the full model far longer:
  // there it is saved every few seconds, so the head's share of the budget goes to training.
  const throttled = phase === 1 && run.recipe.epochs === AUTO;
  return async (m: EpochMetrics, h: EpochMetrics[]) => {
    const last = state.lastCheckpoint;
    if (throttled && Date.now() - last.at < AUTO_CHECKPOINT_SECONDS * 1000) return last.path;
    const checkpoint = { model: 'transfer', phase, epoch: m.epoch, history: [...before, ...h] };
    state.lastCheckpoint = { at: Date.now(), path: await saveCheckpoint(run.runDir, state.tm.full, checkpoint) };
    return state.lastCheckpoint.path;
  };
}

/** Where a phase's epochs start (after those of the checkpoint resumed from), and what they continue. */
export function resumedEpochs(run: TransferContext, phase: 1 | 2) {
  const earlier = run.done.filter((h) => h.phase === phase);
  return { firstEpoch: earlier.length + 1, earlier };
}

type LoopOptions = Omit<FitOptions, 'model' | 'train' | 'validation'>;

/**
 * Images through the frozen part when one tensor separates it from the trainable layers, else through the
 * full model.
 */
export function fitOnImages(
  run: TransferContext,
  state: TransferState,
  part: FrozenSplit | undefined,
  options: LoopOptions,
): Promise<FitResult> {
  return part
    ? throughFrozen(part, options, exampleSources(run, run.input))
    : fit({ ...options, model: state.tm.full, ...exampleSources(run, run.input) });
}

/** The activation cache's options for the frozen part of this run's base (see cachedTop.ts). */
export function activationOptions(run: TransferContext, part: FrozenSplit): CachedTopOptions {
  return {
    part,
    samples: run.all,
    input: run.input,
    cacheDir: run.cacheDir,
    baseKey: run.base.resolved.contentKey,
    modelJsonPath: run.base.resolved.modelJsonPath,
    classes: run.classes.length,
    batchSize: run.recipe.batchSize,
    seed: run.recipe.seed,
    skips: run.skips,
    signal: run.signal,
    emit: run.emit,
  };
}

/** Keeps `model` as the run's transfer model; the one it replaces is disposed at the end. */
export function keepModel(state: TransferState, model: TransferModel): void {
  state.replaced.push(state.tm.full, state.tm.head, state.tm.features);
  state.tm = model;
  state.params = countParams(model.full);
}

/** A model that lost its trial: disposed at the end. */
export function dropModel(state: TransferState, model: TransferModel): void {
  state.replaced.push(model.full, model.head, model.features);
}
