// Size on disk of a model folder, for the built-in bases' provenance line the resolver shows (CLI, trainer).
import fs from 'node:fs';
import path from 'node:path';

/** Bytes of the files directly in `dir` (a model folder: model.json and its weight files). */
export function folderBytes(dir: string): number {
  return fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
}
