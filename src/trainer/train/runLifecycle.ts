// The parts every kind of run shares, from its folder's start (or resume) to its end: checks before
// training, the sources and options of the fit loop, the evaluation, and what run.json says at the end.
import fs from 'node:fs';
import path from 'node:path';
import type { BackendInfo, ProgressEvent, RunResult, TrainRecipe } from '../../shared/engineTypes';
import type { EpochMetrics, ModelResult, Trial } from '../../shared/evaluationTypes';
import type { SkipList } from '../data/batchStream';
import type { Sample, Split } from '../../shared/split';
import type { InputSpec } from '../../shared/inputSpec';
import { RUN_INFO_VERSION } from '../../shared/runFiles';
import { CancelledError, EngineError, type CancelSignal } from '../../shared/engineError';
import { DEFAULT_TIME_BUDGET_SECONDS, headImprovement, headSchedule } from '../../shared/autoFlow';
import { loadLayersModelFromFile, saveLayersModel } from '../models/modelFiles';
import { disposeModels } from '../models/disposeModels';
import type * as tf from '../tf';
import { baselineVerdict } from './baselines';
import { exampleSource } from './batchSources';
import { evaluatePredictions, type Scored } from './evaluation';
import type { BatchSource } from './fitLoop';
import { checkLearnable } from './learnable';
import { checkBatchBytes } from './runFileChecks';
import { dataKind } from '../data/kinds/registry';
import {
  updateRunInfo,
  writeEvaluation,
  writeMetrics,
  writeRunStart,
  writeSkipped,
  type CheckpointState,
  type RunInfo,
} from './runFolder';

export interface RunContext {
  cacheDir: string;
  backend: BackendInfo;
  signal: CancelSignal;
  emit: (e: ProgressEvent) => void;
}

export interface Prepared {
  recipe: TrainRecipe;
  classes: string[];
  split: Split;
  skips: SkipList;
  runDir: string;
  /** Set when continuing from a run folder's checkpoint. */
  resume?: CheckpointState;
  evaluationNote?: string;
}

/** A new run writes its recipe and metadata; a resumed one takes the weights of its last checkpoint. */
export async function startOrResume(p: Prepared, model: tf.LayersModel, info: RunInfo, ctx: RunContext): Promise<void> {
  if (!p.resume) {
    writeRunStart(p.runDir, p.recipe, info, p.skips.entries);
    return;
  }
  const checkpoint = await loadLayersModelFromFile(path.join(p.runDir, 'checkpoint', 'model.json'));
  try {
    const weights = checkpoint.getWeights();
    const mine = model.getWeights();
    if (weights.length !== mine.length || weights.some((w, i) => w.shape.join() !== mine[i].shape.join())) {
      throw new EngineError(
        `The checkpoint in ${p.runDir} does not match its recipe (different architecture); start a new run instead.`,
      );
    }
    model.setWeights(weights);
  } finally {
    disposeModels([checkpoint]);
  }
  updateRunInfo(p.runDir, { status: 'training' });
  ctx.emit({
    kind: 'log',
    level: 'info',
    message: `Resuming ${p.runDir} after epoch ${p.resume.epoch} of phase ${p.resume.phase} (optimizer state starts fresh)`,
  });
}

/** Stops before training when a batch would not fit its byte limit or some class has no decodable example. */
export async function readyToLearn(p: Prepared, input: InputSpec, what: string): Promise<void> {
  const kind = dataKind(input);
  checkBatchBytes(kind, input, p.recipe.batchSize, what);
  if (!p.resume) await checkLearnable(kind, input, p.split, p.classes, p.skips);
}

/**
 * A run that ends in an error says so in run.json (a run left "training" looks alive or crashed). A folder
 * that holds nothing yet is removed; when even this write fails (the disk is full), the error itself stands.
 */
export function markFailed(runDir: string, e: unknown): void {
  if (e instanceof CancelledError) return;
  try {
    if (!fs.existsSync(path.join(runDir, 'run.json'))) {
      fs.rmdirSync(runDir);
      return;
    }
    updateRunInfo(runDir, { status: 'failed', error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
  } catch {
    // Best effort: the original error explains the failure.
  }
}

export function fitCommon(recipe: TrainRecipe, ctx: RunContext) {
  return {
    patience: headSchedule(recipe).patience,
    relativeImprovement: headImprovement(recipe),
    optimizer: recipe.optimizer,
    signal: ctx.signal,
    emit: ctx.emit,
  };
}

/** The training and validation examples, decoded batch by batch by the module of the input's kind. */
export function exampleSources(p: Prepared, input: InputSpec): { train: BatchSource; validation: BatchSource } {
  const { recipe, split, classes, skips } = p;
  const source = (samples: readonly Sample[], augmentation?: TrainRecipe['augmentation']) =>
    exampleSource(dataKind(input), input, samples, classes.length, recipe.batchSize, recipe.seed, skips, augmentation);
  return { train: source(split.train, recipe.augmentation), validation: source(split.validation) };
}

export async function finishModel(
  p: Prepared,
  ctx: RunContext,
  history: EpochMetrics[],
  cancelled: boolean,
  score: (s: readonly Sample[]) => Promise<Scored[]>,
  ms: number,
  params: { trainable: number; frozen: number },
): Promise<ModelResult> {
  const evaluatedOn = p.split.test.length > 0 ? 'test' : 'validation';
  if (!cancelled) ctx.emit({ kind: 'stage', stage: 'evaluating' });
  const scored = cancelled ? [] : await score(evaluatedOn === 'test' ? p.split.test : p.split.validation);
  if (!cancelled && scored.length === 0) {
    throw new EngineError(
      `No image of the ${evaluatedOn} split could be decoded, so the model cannot be evaluated; see the skipped files in ${path.join(p.runDir, 'skipped.json')}.`,
    );
  }
  return {
    history,
    evaluation: evaluatePredictions(p.classes, scored),
    evaluatedOn,
    trainableParams: params.trainable,
    frozenParams: params.frozen,
    trainSeconds: ms / 1000,
  };
}

export async function finishRun(
  p: Prepared,
  ctx: RunContext,
  model: tf.LayersModel,
  cancelled: boolean,
  transfer: ModelResult,
  scratch: ModelResult | undefined,
  featureCache: RunResult['featureCache'],
  trials?: Trial[],
  baselines?: RunResult['baselines'],
): Promise<RunResult> {
  const { runDir, split } = p;
  writeMetrics(runDir, { transfer: transfer.history, scratch: scratch?.history });
  writeSkipped(runDir, p.skips.entries);
  const params = {
    trainableParams: transfer.trainableParams,
    frozenParams: transfer.frozenParams,
    trials,
    evaluationNote: p.evaluationNote,
  };
  if (cancelled) {
    updateRunInfo(runDir, { status: 'cancelled', ...params });
    ctx.emit({
      kind: 'log',
      level: 'warn',
      message: `Cancelled. The last checkpoint is in ${path.join(runDir, 'checkpoint')}.`,
    });
  } else {
    ctx.emit({ kind: 'stage', stage: 'saving', message: runDir });
    await saveLayersModel(model, runDir);
    writeEvaluation(runDir, {
      evaluatedOn: transfer.evaluatedOn,
      transfer: transfer.evaluation,
      scratch: scratch?.evaluation,
      trials,
      evaluationNote: p.evaluationNote,
      baselines: baselines?.map((b) => ({
        name: b.name,
        accuracy: b.result.evaluation.accuracy,
        trainSeconds: b.result.trainSeconds,
      })),
      verdict: baselines?.length ? baselineVerdict(transfer, baselines) : undefined,
    });
    updateRunInfo(runDir, { status: 'finished', ...params });
  }
  return {
    runDir,
    backend: ctx.backend,
    classes: p.classes,
    cancelled,
    transfer,
    scratch,
    featureCache,
    skipped: p.skips.entries,
    trials,
    evaluationNote: p.evaluationNote,
    baselines,
    split: { train: split.train.length, validation: split.validation.length, test: split.test.length },
  };
}

/** run.json at a run's start; `backend` says what trains (the local backend, or the Ray cluster). */
export function runInfo(
  p: Pick<Prepared, 'recipe' | 'classes'>,
  input: InputSpec,
  backend: string,
  featureLayer: string | undefined,
): RunInfo {
  return {
    version: RUN_INFO_VERSION,
    created: new Date().toISOString(),
    status: 'training',
    mode: p.recipe.mode,
    base: p.recipe.base,
    featureLayer,
    defaultFeatureLayer: featureLayer,
    classes: p.classes,
    input,
    backend,
  };
}

export function budgetSeconds(recipe: TrainRecipe): number {
  return recipe.timeBudget ?? DEFAULT_TIME_BUDGET_SECONDS;
}
