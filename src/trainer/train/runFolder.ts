// A run folder is the product of a training: a standard tfjs model (model.json + weights) that loads in
// any tfjs app, and beside it everything needed to reproduce, compare and reuse it.
import fs from 'node:fs';
import path from 'node:path';
import type {
  EpochMetrics,
  Evaluation,
  Preprocessing,
  QualityReport,
  RunTimings,
  SkippedFile,
  TrainRecipe,
  Trial,
} from '../../shared/engineTypes';
import { LIMITS } from '../../shared/limits';
import { EngineError } from '../../shared/engineError';
import { errnoReason, readJsonFile } from '../io/boundedRead';
import type { ModelSidecar } from '../models/baseResolver';
import { saveLayersModel, writeJsonAtomic } from '../models/modelFiles';
import type * as tf from '../tf';
import { checkCheckpointState, checkRunInfo, checkRunRecipe } from './runFileChecks';

/** run.json: how to feed the model and how to reuse it as a base. */
export interface RunInfo extends ModelSidecar {
  version: 1;
  created: string;
  status: 'training' | 'finished' | 'cancelled' | 'failed';
  /** Why a failed run stopped, in the words the user saw. */
  error?: string;
  mode: TrainRecipe['mode'];
  base: string;
  featureLayer?: string;
  classes: string[];
  preprocessing: Preprocessing;
  backend: string;
  /** Parameters of the whole model (base kept by the cut + head) that trained and that stayed fixed. */
  trainableParams?: number;
  frozenParams?: number;
  /** What the automatic flow tried, what each scored on validation and which was kept, in order. */
  trials?: Trial[];
  /** Said when the choices and the final figure used the same (validation) split. */
  evaluationNote?: string;
  /** Where the run's time went (seconds), locally and on Ray alike. */
  timings?: RunTimings;
}

/**
 * Claims a new run folder: created exclusively (mkdir fails when the name exists, even if another process
 * made it a moment ago), with a numeric suffix on each collision, so two trainings never share a folder.
 */
export function createRunDir(outputDir: string, name: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const safe = name.replace(/[^\w.-]+/g, '_').slice(0, 60) || 'run';
  const parent = path.resolve(outputDir);
  try {
    fs.mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw new EngineError(`Cannot create the runs folder ${parent}: ${errnoReason(e)}.`);
  }
  for (let i = 1; i <= 10_000; i++) {
    const dir = path.join(parent, i === 1 ? `${stamp}-${safe}` : `${stamp}-${safe}-${i}`);
    try {
      fs.mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new EngineError(`Cannot create the run folder ${dir}: ${errnoReason(e)}.`);
    }
  }
  throw new EngineError(`Cannot create a run folder in ${parent}: 10000 runs named ${stamp}-${safe} exist.`);
}

export function writeRunStart(dir: string, recipe: TrainRecipe, info: RunInfo, skipped: SkippedFile[]): void {
  writeJsonAtomic(path.join(dir, 'recipe.json'), recipe);
  writeJsonAtomic(path.join(dir, 'labels.json'), info.classes);
  writeJsonAtomic(path.join(dir, 'run.json'), info);
  writeSkipped(dir, skipped);
}

/** recipe.json again, when the automatic flow chose something the recipe left open (e.g. a wider head). */
export function writeRunRecipe(dir: string, recipe: TrainRecipe): void {
  writeJsonAtomic(path.join(dir, 'recipe.json'), recipe);
}

/** skipped.json: every file left out and why; written again at the end, with the files that failed to decode. */
export function writeSkipped(dir: string, skipped: SkippedFile[]): void {
  writeJsonAtomic(path.join(dir, 'skipped.json'), skipped);
}

export function writeMetrics(dir: string, metrics: { transfer: EpochMetrics[]; scratch?: EpochMetrics[] }): void {
  writeJsonAtomic(path.join(dir, 'metrics.json'), metrics);
}

export function writeEvaluation(
  dir: string,
  evaluation: { evaluatedOn: string; transfer: Evaluation; scratch?: Evaluation } & QualityReport,
): void {
  writeJsonAtomic(path.join(dir, 'evaluation.json'), evaluation);
}

export function updateRunInfo(dir: string, patch: Partial<RunInfo>): void {
  const file = path.join(dir, 'run.json');
  writeJsonAtomic(file, { ...readRunInfo(dir), ...patch });
}

/** The recipe a run folder was started with. */
export function readRecipe(dir: string): TrainRecipe {
  return checkRunRecipe(readRunFile(dir, 'recipe.json'), path.join(dir, 'recipe.json'));
}

export function readRunInfo(dir: string): RunInfo {
  return checkRunInfo<RunInfo>(readRunFile(dir, 'run.json'), path.join(dir, 'run.json'));
}

function readRunFile(dir: string, name: string): unknown {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) throw new EngineError(`${dir} is not a Transfer Studio run folder (no ${name}).`);
  return readJsonFile(file, LIMITS.maxJsonFileBytes, 'run file');
}

/** Saves the model of the epoch just finished; a crash later leaves this one intact. */
export interface CheckpointState {
  model: string;
  phase: number;
  epoch: number;
  /** Every finished epoch of the run so far, so a resumed run reports its whole history. */
  history: EpochMetrics[];
}

export async function saveCheckpoint(dir: string, model: tf.LayersModel, state: CheckpointState): Promise<string> {
  const checkpoint = path.join(dir, 'checkpoint');
  await saveLayersModel(model, checkpoint);
  writeJsonAtomic(path.join(checkpoint, 'state.json'), state);
  // metrics.json follows every epoch too: a crash leaves the curves up to the last checkpoint.
  writeMetrics(dir, { transfer: state.history });
  return checkpoint;
}

export function readCheckpoint(dir: string): CheckpointState | undefined {
  const file = path.join(dir, 'checkpoint', 'state.json');
  return fs.existsSync(file)
    ? checkCheckpointState<CheckpointState>(readJsonFile(file, LIMITS.maxJsonFileBytes, 'checkpoint state'), file)
    : undefined;
}
