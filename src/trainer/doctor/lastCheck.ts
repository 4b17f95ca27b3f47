// The last check of each data folder, kept in the cache (never in the data folder): training reads it to
// warn when many of the files it flagged are still where they were, with the same label.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { flaggedWarning, type DoctorReport } from '../../shared/doctorTypes';
import type { DatasetScan } from '../../shared/engineTypes';
import { LIMITS } from '../../shared/limits';
import { readJsonFile } from '../io/boundedRead';
import { writeJsonAtomic } from '../models/modelFiles';

interface LastCheck {
  folder: string;
  /** Flagged files with the class they were in when checked. */
  flagged: { path: string; label: string }[];
}

function recordFile(cacheDir: string, folder: string): string {
  const id = createHash('sha256').update(path.resolve(folder)).digest('hex').slice(0, 16);
  return path.join(cacheDir, 'doctor', `${id}.json`);
}

/** Remembers which files a check flagged. */
export function saveLastCheck(cacheDir: string, report: DoctorReport): void {
  const seen = new Map(report.findings.map((f) => [f.path, f.label]));
  const record: LastCheck = { folder: report.folder, flagged: [...seen].map(([p, label]) => ({ path: p, label })) };
  fs.mkdirSync(path.dirname(recordFile(cacheDir, report.folder)), { recursive: true });
  writeJsonAtomic(recordFile(cacheDir, report.folder), record);
}

/** The warning for a training on `scan`, when the folder's last check flagged many files still in place. */
export function lastCheckWarning(cacheDir: string, scan: DatasetScan): string | undefined {
  const file = recordFile(cacheDir, scan.root);
  if (!fs.existsSync(file)) return undefined;
  let record: LastCheck;
  try {
    record = readJsonFile(file, LIMITS.maxJsonFileBytes, 'last data check') as LastCheck;
    if (!Array.isArray(record.flagged)) return undefined;
  } catch {
    return undefined; // a damaged record is no reason to stop a training
  }
  const labelOf = new Map(scan.classes.flatMap((c) => c.files.map((f) => [f, c.name] as const)));
  const still = record.flagged.filter((f) => labelOf.get(f.path) === f.label).length;
  return flaggedWarning(still, labelOf.size);
}
