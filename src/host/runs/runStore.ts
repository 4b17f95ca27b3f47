// Reads run folders from disk (the engine writes them; the host only lists and describes them), through the
// run folder's one reader (src/io/runFiles.ts): every file bounded, run.json and the checkpoint checked.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainRecipe } from '../../shared/engineTypes';
import type { EpochMetrics, Evaluation, QualityReport } from '../../shared/evaluationTypes';
import { EngineError } from '../../shared/engineError';
import {
  isRunFolder,
  readCheckpoint,
  readRunJson,
  runFile,
  runFolderCandidates,
  runInfoOrUndefined,
  type RunFileName,
} from '../../io/runFiles';
import { isTextRunFolder } from '../../io/textRuns';

export interface RunSummary {
  dir: string;
  name: string;
  status: 'training' | 'finished' | 'cancelled' | 'failed' | 'unknown';
  mode?: string;
  base?: string;
  bestValAccuracy?: number;
  hasModel: boolean;
  hasCheckpoint: boolean;
}

export function listRuns(runsDirs: readonly string[]): RunSummary[] {
  // Text runs have a run.json too, but their rows come from text-run.json (host/text/textRunSummaries.ts).
  return runFolderCandidates(runsDirs)
    .filter(({ dir }) => isRunFolder(dir) && !isTextRunFolder(dir))
    .map(({ dir }) => describeRun(dir))
    .sort((a, b) => b.name.localeCompare(a.name));
}

export function describeRun(dir: string): RunSummary {
  const info = runInfoOrUndefined(dir);
  const metrics = readMetrics(dir);
  const accuracies = (metrics?.transfer ?? []).map((m) => m.valAccuracy).filter(Number.isFinite);
  return {
    dir,
    name: path.basename(dir),
    status: info?.status ?? 'unknown',
    mode: info?.mode,
    base: info?.base,
    bestValAccuracy: accuracies.length ? Math.max(...accuracies) : undefined,
    hasModel: fs.existsSync(runFile(dir, 'model')),
    hasCheckpoint: fs.existsSync(runFile(dir, 'checkpointState')),
  };
}

export function readMetrics(dir: string): { transfer: EpochMetrics[]; scratch?: EpochMetrics[] } | undefined {
  return readJson(dir, 'metrics');
}

export function readEvaluation(
  dir: string,
): ({ evaluatedOn: 'test' | 'validation'; transfer: Evaluation; scratch?: Evaluation } & QualityReport) | undefined {
  return readJson(dir, 'evaluation');
}

/** The resolved recipe a run folder keeps; throws a sentence a user can act on when it is missing or unreadable. */
export function readRunRecipe(dir: string): TrainRecipe {
  const recipe = readJson<TrainRecipe>(dir, 'recipe');
  if (!recipe)
    throw new Error(`${dir} has no readable recipe.json; it is not a Transfer Studio run folder, or it is damaged.`);
  return recipe;
}

/** The epochs a crashed or cancelled run reached, from its checkpoint. */
export function checkpointHistory(dir: string): EpochMetrics[] {
  try {
    return readCheckpoint(dir)?.history ?? [];
  } catch (e) {
    if (e instanceof EngineError) return [];
    throw e;
  }
}

/** A run file's JSON, bounded; undefined when it is missing, too large or not JSON. */
function readJson<T>(dir: string, name: RunFileName): T | undefined {
  try {
    return readRunJson(dir, name) as T;
  } catch (e) {
    if (e instanceof EngineError) return undefined;
    throw e;
  }
}
