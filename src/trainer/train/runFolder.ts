// A run folder is the product of a training: a standard tfjs model (model.json + weights) that loads in
// any tfjs app, and beside it everything needed to reproduce, compare and reuse it.
import fs from 'node:fs';
import path from 'node:path';
import type { SkippedFile, TrainRecipe } from '../../shared/engineTypes';
import type { EpochMetrics, Evaluation, QualityReport } from '../../shared/evaluationTypes';
import { EngineError } from '../../shared/engineError';
import type { CheckpointState, RunInfo } from '../../shared/runFiles';
import { errnoReason } from '../../io/boundedRead';
import { readRunInfo, readRunJson, runFile } from '../../io/runFiles';
import { saveLayersModel, writeJsonAtomic } from '../models/modelFiles';
import type * as tf from '../tf';
import { checkRunRecipe } from './runFileChecks';

export type { CheckpointState, RunInfo };
export { readCheckpoint, readRunInfo } from '../../io/runFiles';

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
  writeJsonAtomic(runFile(dir, 'recipe'), recipe);
  writeJsonAtomic(runFile(dir, 'labels'), info.classes);
  writeJsonAtomic(runFile(dir, 'info'), info);
  writeSkipped(dir, skipped);
}

/** recipe.json again, when the automatic flow chose something the recipe left open (e.g. a wider head). */
export function writeRunRecipe(dir: string, recipe: TrainRecipe): void {
  writeJsonAtomic(runFile(dir, 'recipe'), recipe);
}

/** skipped.json: every file left out and why; written again at the end, with the files that failed to decode. */
export function writeSkipped(dir: string, skipped: SkippedFile[]): void {
  writeJsonAtomic(runFile(dir, 'skipped'), skipped);
}

export function writeMetrics(dir: string, metrics: { transfer: EpochMetrics[]; scratch?: EpochMetrics[] }): void {
  writeJsonAtomic(runFile(dir, 'metrics'), metrics);
}

export function writeEvaluation(
  dir: string,
  evaluation: { evaluatedOn: string; transfer: Evaluation; scratch?: Evaluation } & QualityReport,
): void {
  writeJsonAtomic(runFile(dir, 'evaluation'), evaluation);
}

/** Rewrites run.json with `patch` applied (a version-1 folder is rewritten as version 2). */
export function updateRunInfo(dir: string, patch: Partial<RunInfo>): void {
  writeJsonAtomic(runFile(dir, 'info'), { ...readRunInfo(dir), ...patch });
}

/** The recipe a run folder was started with. */
export function readRecipe(dir: string): TrainRecipe {
  return checkRunRecipe(readRunJson(dir, 'recipe'), runFile(dir, 'recipe'));
}

/** Saves the model of the epoch just finished; a crash later leaves this one intact. */
export async function saveCheckpoint(dir: string, model: tf.LayersModel, state: CheckpointState): Promise<string> {
  const checkpoint = runFile(dir, 'checkpoint');
  await saveLayersModel(model, checkpoint);
  writeJsonAtomic(runFile(dir, 'checkpointState'), state);
  // metrics.json follows every epoch too: a crash leaves the curves up to the last checkpoint.
  writeMetrics(dir, { transfer: state.history });
  return checkpoint;
}
