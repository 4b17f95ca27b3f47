// The one reader of run folders, for every process that reads them (trainer, CLI, extension host): each file is
// read bounded (LIMITS.maxJsonFileBytes) and checked field by field by the contract in src/shared/runFiles.ts.
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../shared/engineError';
import { LIMITS } from '../shared/limits';
import { checkCheckpointState, checkRunInfo, RUN_FILES, type CheckpointState, type RunInfo } from '../shared/runFiles';
import { readJsonFile } from './boundedRead';

export type RunFileName = keyof typeof RUN_FILES;

/** The path of one file of a run folder. */
export function runFile(dir: string, name: RunFileName): string {
  return path.join(dir, RUN_FILES[name]);
}

/** Every entry of the runs folders, as a candidate run folder; a runs folder that cannot be listed has none. */
export function runFolderCandidates(runsDirs: readonly string[]): { dir: string; name: string }[] {
  return runsDirs.flatMap((root) => {
    try {
      return fs.readdirSync(root).map((name) => ({ dir: path.join(root, name), name }));
    } catch {
      return [];
    }
  });
}

/** Whether `dir` holds a run.json (a run folder of ours, finished or not). */
export function isRunFolder(dir: string): boolean {
  return fs.existsSync(runFile(dir, 'info'));
}

/** A run file's JSON, bounded; a missing one says the folder is not a run folder. */
export function readRunJson(dir: string, name: RunFileName): unknown {
  const file = runFile(dir, name);
  if (!fs.existsSync(file))
    throw new EngineError(`${dir} is not a Transfer Studio run folder (no ${RUN_FILES[name]}).`);
  return readJsonFile(file, LIMITS.maxJsonFileBytes, 'run file');
}

/** run.json, checked; a version-1 folder reads as an image run (see checkRunInfo). */
export function readRunInfo(dir: string): RunInfo {
  return checkRunInfo(readRunJson(dir, 'info'), runFile(dir, 'info'));
}

/** run.json for listings: undefined when it is missing, too large or damaged. */
export function runInfoOrUndefined(dir: string): RunInfo | undefined {
  try {
    return readRunInfo(dir);
  } catch (e) {
    if (e instanceof EngineError) return undefined;
    throw e;
  }
}

/** checkpoint/state.json, checked, or undefined when no epoch finished. */
export function readCheckpoint(dir: string): CheckpointState | undefined {
  const file = runFile(dir, 'checkpointState');
  return fs.existsSync(file)
    ? checkCheckpointState(readJsonFile(file, LIMITS.maxJsonFileBytes, 'checkpoint state'), file)
    : undefined;
}
