// Turns a folder of class subfolders into a list of usable images. Only image headers are read here
// (fast even for 10,000 files); a file whose pixels later fail to decode is reported by the decoder.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ClassSummary, DatasetScan, SkippedFile } from '../../shared/engineTypes';
import { IMAGE_EXTENSIONS, imageNameProblem, isHiddenName as isHidden } from '../../shared/imageFiles';
import { LIMITS } from '../../shared/limits';
import { EngineError } from '../../shared/engineError';
import { isInside, readEntries } from './folderEntries';
import { ignoreListOf } from './ignoreList';
import { IGNORED_REASON } from '../../shared/ignoreFile';
import { inspectImage } from './imageCheck';
import { mapLimited } from '../../shared/mapLimited';

export { IMAGE_EXTENSIONS };

/** Images above this many pixels are refused before decoding (the bound lives in src/shared/limits.ts). */
export const MAX_INPUT_PIXELS = LIMITS.maxImagePixels;

export interface ScanOptions {
  /** A class with fewer images than this gets a warning (training refuses it). */
  minPerClass?: number;
  /** Imbalance above this ratio between the largest and the smallest class gets a warning. */
  imbalanceRatio?: number;
}

export async function scanDataset(folder: string, options: ScanOptions = {}): Promise<DatasetScan> {
  const root = path.resolve(folder);
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory())
    throw new EngineError(`Dataset folder not found: ${root}. Point to a folder with one subfolder per class.`);

  const skipped: SkippedFile[] = [];
  const entries = await readEntries(root, skipped);
  if (!entries) throw new EngineError(`Cannot read the dataset folder ${root}: ${skipped[0].reason}.`);
  const classDirs = entries
    .filter((e) => !isHidden(e.name) && e.kind === 'dir')
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
  const warnings: string[] = [];
  for (const e of entries) {
    if (!isHidden(e.name) && e.kind !== 'dir')
      skipped.push({ path: e.full, reason: 'file at the top level: images must be inside a class subfolder' });
  }
  if (classDirs.length === 0) {
    throw new EngineError(
      `No class folders in ${root}. Put images in one subfolder per class, e.g. ${path.join(root, 'cats')}/1.jpg.`,
    );
  }

  const ignored = ignoreListOf(root, skipped);
  const classes: ClassSummary[] = [];
  /** Which classes each file (by device and inode) was found in: the same file under two labels is ambiguous. */
  const owners = new Map<string, { cls: string; file: string }[]>();
  for (const name of classDirs) {
    const classDir = path.join(root, name);
    const classReal = await fs.realpath(classDir).catch(() => undefined);
    const candidates = classReal
      ? await listFiles(classDir, { dir: classDir, real: classReal }, skipped, new Set([classReal]))
      : undefined;
    // A class folder that cannot be read at all is no class (its reason is in the skipped list).
    if (!candidates) continue;
    const files = (
      await mapLimited(candidates, 16, async (file) => {
        if (ignored(file)) {
          skipped.push({ path: file, reason: IGNORED_REASON });
          return undefined;
        }
        const facts = await inspectImage(file);
        if ('problem' in facts) {
          skipped.push({ path: file, reason: facts.problem });
          return undefined;
        }
        const st = await fs.stat(file);
        const key = `${st.dev}:${st.ino}`;
        owners.set(key, [...(owners.get(key) ?? []), { cls: name, file }]);
        return file;
      })
    ).filter((f): f is string => f !== undefined);
    classes.push({ name, files });
  }
  dropAmbiguous(classes, owners, skipped);
  for (const c of classes) {
    c.files.sort();
    const nested = nestedWarning(root, c.name, c.files);
    if (nested) warnings.push(nested);
  }
  warnings.push(...datasetWarnings(classes, options));
  return { root, classes, skipped: skipped.sort((a, b) => a.path.localeCompare(b.path)), warnings };
}

/** Classes differing by more than this factor draw a warning, and training samples them balanced. */
export const IMBALANCE_RATIO = 3;

/** Warnings a user should see before training: empty or tiny classes, imbalance. */
export function datasetWarnings(classes: ClassSummary[], options: ScanOptions = {}): string[] {
  const minPerClass = options.minPerClass ?? 2;
  const warnings: string[] = [];
  for (const c of classes) {
    if (c.files.length === 0) warnings.push(`Class "${c.name}" has no usable images; it is left out.`);
    else if (c.files.length < minPerClass)
      warnings.push(`Class "${c.name}" has ${c.files.length} image(s); at least ${minPerClass} are needed to train.`);
  }
  const counts = classes.map((c) => c.files.length).filter((n) => n > 0);
  const ratio = options.imbalanceRatio ?? IMBALANCE_RATIO;
  if (counts.length > 1 && Math.max(...counts) > ratio * Math.min(...counts)) {
    const big = classes.reduce((a, b) => (b.files.length > a.files.length ? b : a));
    const small = classes.filter((c) => c.files.length > 0).reduce((a, b) => (b.files.length < a.files.length ? b : a));
    warnings.push(
      `Classes are imbalanced: "${big.name}" has ${big.files.length} images, "${small.name}" only ${small.files.length}. Accuracy will favour the larger class; add images or expect lower recall on "${small.name}".`,
    );
  }
  if (counts.length === 1) warnings.push('Only one class has images; a classifier needs at least two.');
  return warnings;
}

/**
 * Images below a class folder's subfolders take the class's name. Usually that is intended (a class kept in
 * several folders), but a folder holding train/ and val/ splits chosen by mistake would yield the classes
 * "train" and "val": say so, naming the subfolders.
 */
function nestedWarning(root: string, name: string, files: readonly string[]): string | undefined {
  const classDir = path.join(root, name);
  const subfolders = new Set<string>();
  let count = 0;
  for (const f of files) {
    const parts = path.relative(classDir, f).split(path.sep);
    if (parts.length < 2) continue;
    count++;
    subfolders.add(parts[0]);
  }
  if (count === 0) return undefined;
  const names = [...subfolders].sort((a, b) => a.localeCompare(b));
  const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')}, …` : names.join(', ');
  return `Class "${name}" takes ${count} of its images from subfolders (${shown}); they are all labelled "${name}". If the subfolders are the classes, choose ${classDir} as the dataset folder.`;
}

/** The classes usable for training; throws a clear error when the dataset cannot be trained on. */
export function trainableClasses(scan: DatasetScan, minPerClass: number): ClassSummary[] {
  // A class folder with files of which none is usable is a mistake to stop at; an empty folder is just left out.
  const refusedIn = (c: ClassSummary) => scan.skipped.filter((s) => isInside(path.join(scan.root, c.name), s.path));
  const unusable = scan.classes.filter((c) => c.files.length === 0 && refusedIn(c).length > 0);
  if (unusable.length > 0) {
    const list = unusable.map((c) => `"${c.name}" (0 of ${refusedIn(c).length} files usable)`).join(', ');
    const first = refusedIn(unusable[0])[0];
    throw new EngineError(`No usable images in class ${list}; e.g. ${first.path}: ${first.reason}.`);
  }
  const usable = scan.classes.filter((c) => c.files.length > 0);
  const tooSmall = usable.filter((c) => c.files.length < minPerClass);
  if (tooSmall.length > 0) {
    const list = tooSmall.map((c) => `"${c.name}" (${c.files.length})`).join(', ');
    throw new EngineError(
      `Too few images in ${list}: each class needs at least ${minPerClass} to split into training and validation. Add images to ${path.join(scan.root, tooSmall[0].name)}.`,
    );
  }
  if (usable.length < 2) {
    throw new EngineError(
      `Found ${usable.length} class with images in ${scan.root}; a classifier needs at least two class subfolders with images.`,
    );
  }
  return usable;
}

/** Files under a class folder; links are followed only while they stay inside it. */
async function listFiles(
  dir: string,
  cls: { dir: string; real: string },
  skipped: SkippedFile[],
  seen: Set<string>,
): Promise<string[] | undefined> {
  const entries = await readEntries(dir, skipped);
  if (!entries) return undefined;
  const out: string[] = [];
  for (const e of entries) {
    if (isHidden(e.name)) continue;
    if (e.linkTarget && !isInside(cls.real, e.linkTarget)) {
      skipped.push({
        path: e.full,
        reason: `symbolic link to ${e.linkTarget}, outside its class folder: not followed`,
      });
      continue;
    }
    if (e.kind === 'dir') {
      const real = e.linkTarget ?? path.join(cls.real, path.relative(cls.dir, e.full));
      if (e.linkTarget && seen.has(real)) {
        skipped.push({ path: e.full, reason: 'folder already scanned (symlink loop)' });
        continue;
      }
      seen.add(real);
      out.push(...((await listFiles(e.full, cls, skipped, seen)) ?? []));
      continue;
    }
    const problem = imageNameProblem(e.name);
    if (problem) skipped.push({ path: e.full, reason: problem });
    else out.push(e.full);
  }
  return out;
}

/** Removes every file found under more than one class (hard links, links inside a class to a shared file). */
function dropAmbiguous(
  classes: ClassSummary[],
  owners: Map<string, { cls: string; file: string }[]>,
  skipped: SkippedFile[],
): void {
  const drop = new Set<string>();
  for (const found of owners.values()) {
    const labels = [...new Set(found.map((f) => f.cls))];
    if (labels.length < 2) continue;
    for (const f of found) {
      drop.add(f.file);
      skipped.push({
        path: f.file,
        reason: `the same file is in the classes ${labels.map((l) => `"${l}"`).join(' and ')}: its label is ambiguous`,
      });
    }
  }
  if (drop.size) for (const c of classes) c.files = c.files.filter((f) => !drop.has(f));
}

export function shortReason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message
    .split('\n')[0]
    .replace(/^Input (file|buffer) /, '')
    .slice(0, 160);
}
