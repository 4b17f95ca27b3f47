// What a recipe's dataset holds, read from disk by file extension (as the scanners list it, without decoding):
// per class folder its images or texts, or a text table's columns. Cached per path and dropped when the
// client reports file events under it, so adding examples to an empty class clears its diagnostic.
import fs from 'node:fs';
import path from 'node:path';
import { isTextData, readTableHeader } from '../io/textSource';
import { IMAGE_EXTENSIONS, isHiddenName } from '../shared/imageFiles';
import { extensionOf, TEXT_FILE_EXTENSIONS, TEXT_TABLE_EXTENSIONS } from '../shared/text/textFiles';

export interface ClassCount {
  name: string;
  /** Images, or texts in a folder of text classes. */
  examples: number;
}

export type DataFolderState =
  | { kind: 'missing'; folder: string }
  | { kind: 'notFolder'; folder: string }
  /** A .csv/.tsv/.jsonl table of texts: its header's column names (none when it has no readable header). */
  | { kind: 'table'; folder: string; columns: string[] }
  | { kind: 'ok'; folder: string; unit: 'image' | 'text'; classes: ClassCount[] };

// Deep trees are not datasets; the bound also keeps a symlink cycle from running away.
const MAX_DEPTH = 8;

export class DataFolders {
  private readonly cache = new Map<string, DataFolderState>();

  get(folder: string): DataFolderState {
    const key = path.resolve(folder);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const state = read(key);
    // Only listings are cached: a missing folder is one stat away, and its creation sends no file event.
    if (state.kind === 'ok' || state.kind === 'table') this.cache.set(key, state);
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
  if (stat.isFile() && TEXT_TABLE_EXTENSIONS.includes(extensionOf(folder)))
    return { kind: 'table', folder, columns: readTableHeader(folder) };
  if (!stat.isDirectory()) return { kind: 'notFolder', folder };
  // The rule the CLI and the editor route data by: more texts than images makes a folder of text classes.
  const unit = isTextData(folder) ? 'text' : 'image';
  const classes = entries(folder)
    .filter((e) => !isHiddenName(e.name) && isDirectory(folder, e))
    .map((e) => {
      const dir = path.join(folder, e.name);
      return { name: e.name, examples: unit === 'text' ? countTexts(dir) : countImages(dir, 0) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return { kind: 'ok', folder, unit, classes };
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

/** The text reader takes the files directly in a class folder (src/trainer/data/text/textDataset.ts). */
function countTexts(dir: string): number {
  return entries(dir).filter(
    (e) => !e.name.startsWith('.') && !e.isDirectory() && TEXT_FILE_EXTENSIONS.includes(extensionOf(e.name)),
  ).length;
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
