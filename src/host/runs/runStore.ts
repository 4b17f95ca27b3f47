// Reads run folders from disk (the engine writes them; the host only lists and describes them).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EpochMetrics, Evaluation, TrainRecipe, QualityReport } from '../../shared/engineTypes';

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
  const runs: RunSummary[] = [];
  for (const root of runsDirs) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(root);
    } catch {
      continue;
    }
    for (const name of names) {
      const dir = path.join(root, name);
      if (fs.existsSync(path.join(dir, 'run.json'))) runs.push(describeRun(dir));
    }
  }
  return runs.sort((a, b) => b.name.localeCompare(a.name));
}

export function describeRun(dir: string): RunSummary {
  const info =
    readJson<{ status?: RunSummary['status']; mode?: string; base?: string }>(path.join(dir, 'run.json')) ?? {};
  const metrics = readMetrics(dir);
  const accuracies = (metrics?.transfer ?? []).map((m) => m.valAccuracy).filter(Number.isFinite);
  return {
    dir,
    name: path.basename(dir),
    status: info.status ?? 'unknown',
    mode: info.mode,
    base: info.base,
    bestValAccuracy: accuracies.length ? Math.max(...accuracies) : undefined,
    hasModel: fs.existsSync(path.join(dir, 'model.json')),
    hasCheckpoint: fs.existsSync(path.join(dir, 'checkpoint', 'state.json')),
  };
}

export function readMetrics(dir: string): { transfer: EpochMetrics[]; scratch?: EpochMetrics[] } | undefined {
  return readJson(path.join(dir, 'metrics.json'));
}

export function readEvaluation(
  dir: string,
): ({ evaluatedOn: 'test' | 'validation'; transfer: Evaluation; scratch?: Evaluation } & QualityReport) | undefined {
  return readJson(path.join(dir, 'evaluation.json'));
}

/** The resolved recipe a run folder keeps; throws a sentence a user can act on when it is missing or unreadable. */
export function readRunRecipe(dir: string): TrainRecipe {
  const recipe = readJson<TrainRecipe>(path.join(dir, 'recipe.json'));
  if (!recipe)
    throw new Error(`${dir} has no readable recipe.json; it is not a Transfer Studio run folder, or it is damaged.`);
  return recipe;
}

/** The epochs a crashed or cancelled run reached, from its checkpoint. */
export function checkpointHistory(dir: string): EpochMetrics[] {
  return readJson<{ history?: EpochMetrics[] }>(path.join(dir, 'checkpoint', 'state.json'))?.history ?? [];
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
