// The one reader of text run folders for the editor (text-run.json beside text-model.json), bounded and
// checked by src/shared/text/textRunRecord.ts. Listing reads one small file per run folder, on demand only:
// activation never calls it.
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../shared/engineError';
import { LIMITS } from '../shared/limits';
import { TEXT_MODEL_FILE, TEXT_RUN_FILE } from '../shared/text/textFiles';
import { checkTextRunRecord, type TextRunRecord } from '../shared/text/textRunRecord';
import { readJsonFile } from './boundedRead';

/** Whether `dir` is a text run folder (it holds a text model). */
export function isTextRunFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, TEXT_MODEL_FILE));
}

/** text-run.json of a text run folder, checked; throws a one-line EngineError. */
export function readTextRun(dir: string): TextRunRecord {
  const file = path.join(dir, TEXT_RUN_FILE);
  return checkTextRunRecord(readJsonFile(file, LIMITS.maxJsonFileBytes, 'text run'), file);
}

/** A text run as listings show it. */
export interface TextRunSummary {
  dir: string;
  name: string;
  record: TextRunRecord;
}

/** Every readable text run in the runs folders, newest first (folders are named by their start time). */
export function listTextRuns(runsDirs: readonly string[]): TextRunSummary[] {
  const runs: TextRunSummary[] = [];
  for (const root of runsDirs) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(root);
    } catch {
      continue;
    }
    for (const name of names) {
      const dir = path.join(root, name);
      if (!isTextRunFolder(dir)) continue;
      try {
        runs.push({ dir, name, record: readTextRun(dir) });
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
      }
    }
  }
  return runs.sort((a, b) => b.name.localeCompare(a.name));
}
