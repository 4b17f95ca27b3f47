// How many images each class folder of a recipe's dataset holds, read from disk by file extension (as the
// dataset scanner lists them, without decoding), cached per folder and dropped when the client reports
// file events under it, so adding images to an empty class clears its diagnostic.
import fs from 'node:fs';
import path from 'node:path';
import { IMAGE_EXTENSIONS, isHiddenName } from '../shared/imageFiles';

export interface ClassCount {
  name: string;
  images: number;
}

export type DataFolderState =
  | { kind: 'missing'; folder: string }
  | { kind: 'notFolder'; folder: string }
  | { kind: 'ok'; folder: string; classes: ClassCount[] };

// Deep trees are not datasets; the bound also keeps a symlink cycle from running away.
const MAX_DEPTH = 8;

export class DataFolders {
  private readonly cache = new Map<string, DataFolderState>();

  get(folder: string): DataFolderState {
    const key = path.resolve(folder);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const state = read(key);
    // Only listings are cached: a missing folder is one stat away, and its creation sends no image event.
    if (state.kind === 'ok') this.cache.set(key, state);
    return state;
  }

  /** Forgets every cached folder that contains, or lies inside, one of the changed paths. True if any was cached. */
  invalidate(changed: readonly string[]): boolean {
    let hit = false;
    for (const key of [...this.cache.keys()]) {
      if (changed.some((p) => isWithin(p, key) || isWithin(key, p))) {
        this.cache.delete(key);
        hit = true;
      }
    }
    return hit;
  }
}

function read(folder: string): DataFolderState {
  const stat = fs.statSync(folder, { throwIfNoEntry: false });
  if (!stat) return { kind: 'missing', folder };
  if (!stat.isDirectory()) return { kind: 'notFolder', folder };
  const classes = entries(folder)
    .filter((e) => !isHiddenName(e.name) && isDirectory(folder, e))
    .map((e) => ({ name: e.name, images: countImages(path.join(folder, e.name), 0) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { kind: 'ok', folder, classes };
}

function countImages(dir: string, depth: number): number {
  if (depth > MAX_DEPTH) return 0;
  let n = 0;
  for (const e of entries(dir)) {
    if (isHiddenName(e.name)) continue;
    if (isDirectory(dir, e)) n += countImages(path.join(dir, e.name), depth + 1);
    else if (IMAGE_EXTENSIONS.has(path.extname(e.name).toLowerCase())) n++;
  }
  return n;
}

function entries(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isDirectory(parent: string, e: fs.Dirent): boolean {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  return fs.statSync(path.join(parent, e.name), { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function isWithin(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
