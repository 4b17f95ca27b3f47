// Reads a data folder's ignore file (src/shared/ignoreFile.ts says what it holds).
import fs from 'node:fs';
import path from 'node:path';
import type { SkippedFile } from '../../shared/engineTypes';
import { IGNORE_FILE, normaliseIgnorePath, parseIgnoreFile } from '../../shared/ignoreFile';
import { LIMITS } from '../../shared/limits';
import { errnoReason, readFileBounded } from '../io/boundedRead';

/** Whether a file under `root` is on its ignore list; an unreadable list ignores nothing and says so. */
export function ignoreListOf(root: string, skipped: SkippedFile[]): (file: string) => boolean {
  const file = path.join(root, IGNORE_FILE);
  if (!fs.existsSync(file)) return () => false;
  let listed: Set<string>;
  try {
    listed = parseIgnoreFile(readFileBounded(file, LIMITS.maxJsonFileBytes, 'ignore file').toString('utf8'));
  } catch (e) {
    skipped.push({ path: file, reason: `ignore file cannot be read (${errnoReason(e)}); nothing is ignored` });
    return () => false;
  }
  return (f) => listed.size > 0 && listed.has(normaliseIgnorePath(path.relative(root, f)));
}
