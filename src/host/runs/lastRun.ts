// The newest run folder, found without blocking the extension host: activation hands this to a promise
// instead of listing and describing every run folder synchronously (a workspace may hold hundreds).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { EpochMetrics } from '../../shared/evaluationTypes';
import { LIMITS } from '../../shared/limits';
import { checkRunInfo, RUN_FILES, type RunInfo } from '../../shared/runFiles';
import type { RunSummary } from './runStore';

export interface LastRun {
  dir: string;
  name: string;
  status: RunSummary['status'];
  /** Epochs of the finished run (metrics.json), or those its checkpoint reached. */
  history: EpochMetrics[];
  /** The kind of data it trained on: only an image run has choices (base, cut, frozen layers) to take up. */
  kind: RunInfo['input']['kind'];
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    // A run folder may come from anywhere: an oversized file is passed over like an unreadable one.
    if ((await fs.stat(file)).size > LIMITS.maxJsonFileBytes) return undefined;
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** run.json checked by the run folder's contract; undefined when it is missing or damaged. */
function checkedInfo(dir: string, raw: unknown): RunInfo | undefined {
  if (raw === undefined) return undefined;
  try {
    return checkRunInfo(raw, path.join(dir, RUN_FILES.info));
  } catch {
    return undefined;
  }
}

/** Run folders are named by their start time (yyyymmdd-hhmmss-…), so the newest sorts last by name. */
export async function findLastRun(runsDirs: readonly string[]): Promise<LastRun | undefined> {
  const candidates: { dir: string; name: string }[] = [];
  for (const root of runsDirs) {
    const names = await fs.readdir(root).catch(() => [] as string[]);
    candidates.push(...names.map((name) => ({ dir: path.join(root, name), name })));
  }
  candidates.sort((a, b) => b.name.localeCompare(a.name));
  for (const { dir, name } of candidates) {
    const info = checkedInfo(dir, await readJson<unknown>(path.join(dir, RUN_FILES.info)));
    if (!info) continue;
    const metrics = await readJson<{ transfer?: EpochMetrics[] }>(path.join(dir, RUN_FILES.metrics));
    const history =
      metrics?.transfer ??
      (await readJson<{ history?: EpochMetrics[] }>(path.join(dir, RUN_FILES.checkpointState)))?.history ??
      [];
    return { dir, name, status: info.status, history, kind: info.input.kind };
  }
  return undefined;
}
