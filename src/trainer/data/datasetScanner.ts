// Turns a folder of class subfolders into a list of usable images. Only image headers are read here
// (fast even for 10,000 files); a file whose pixels later fail to decode is reported by the decoder.
import { statSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { ClassSummary, DatasetScan, SkippedFile } from '../../shared/engineTypes';
import { IMAGE_EXTENSIONS, isHiddenName as isHidden } from '../../shared/imageFiles';
import { EngineError } from '../engineError';

export { IMAGE_EXTENSIONS };

/** Images above this many pixels are refused before decoding: 100 MP would need gigabytes of RAM. */
export const MAX_INPUT_PIXELS = 50_000_000;

/** Formats sharp can read that we accept; BMP is not among libvips' loaders, so it is decoded elsewhere. */
const SHARP_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', 'avif']);

export interface ScanOptions {
  /** A class with fewer images than this gets a warning (training refuses it). */
  minPerClass?: number;
  /** Imbalance above this ratio between the largest and the smallest class gets a warning. */
  imbalanceRatio?: number;
}

export async function scanDataset(folder: string, options: ScanOptions = {}): Promise<DatasetScan> {
  const root = path.resolve(folder);
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat?.isDirectory()) throw new EngineError(`Dataset folder not found: ${root}. Point to a folder with one subfolder per class.`);

  const entries = await fs.readdir(root, { withFileTypes: true });
  const classDirs = entries.filter((e) => !isHidden(e.name) && isDirectoryLike(e, root)).map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
  const skipped: SkippedFile[] = [];
  const warnings: string[] = [];
  for (const e of entries) {
    if (!isHidden(e.name) && e.isFile()) skipped.push({ path: path.join(root, e.name), reason: 'file at the top level: images must be inside a class subfolder' });
  }
  if (classDirs.length === 0) {
    throw new EngineError(`No class folders in ${root}. Put images in one subfolder per class, e.g. ${path.join(root, 'cats')}/1.jpg.`);
  }

  const classes: ClassSummary[] = [];
  for (const name of classDirs) {
    const candidates = await listFiles(path.join(root, name), skipped);
    const files = (await mapLimited(candidates, 16, async (file) => {
      const reason = await checkImage(file);
      if (reason) skipped.push({ path: file, reason });
      return reason ? undefined : file;
    })).filter((f): f is string => f !== undefined);
    files.sort();
    classes.push({ name, files });
    const nested = nestedWarning(root, name, files);
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
    else if (c.files.length < minPerClass) warnings.push(`Class "${c.name}" has ${c.files.length} image(s); at least ${minPerClass} are needed to train.`);
  }
  const counts = classes.map((c) => c.files.length).filter((n) => n > 0);
  const ratio = options.imbalanceRatio ?? IMBALANCE_RATIO;
  if (counts.length > 1 && Math.max(...counts) > ratio * Math.min(...counts)) {
    const big = classes.reduce((a, b) => (b.files.length > a.files.length ? b : a));
    const small = classes.filter((c) => c.files.length > 0).reduce((a, b) => (b.files.length < a.files.length ? b : a));
    warnings.push(`Classes are imbalanced: "${big.name}" has ${big.files.length} images, "${small.name}" only ${small.files.length}. Accuracy will favour the larger class; add images or expect lower recall on "${small.name}".`);
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
  const usable = scan.classes.filter((c) => c.files.length > 0);
  const tooSmall = usable.filter((c) => c.files.length < minPerClass);
  if (tooSmall.length > 0) {
    const list = tooSmall.map((c) => `"${c.name}" (${c.files.length})`).join(', ');
    throw new EngineError(`Too few images in ${list}: each class needs at least ${minPerClass} to split into training and validation. Add images to ${path.join(scan.root, tooSmall[0].name)}.`);
  }
  if (usable.length < 2) {
    throw new EngineError(`Found ${usable.length} class with images in ${scan.root}; a classifier needs at least two class subfolders with images.`);
  }
  return usable;
}

async function listFiles(dir: string, skipped: SkippedFile[], seen = new Set<string>()): Promise<string[]> {
  // Symlinked folders are followed once: the real path guards against loops.
  const real = await fs.realpath(dir).catch(() => dir);
  if (seen.has(real)) {
    skipped.push({ path: dir, reason: 'folder already scanned (symlink loop)' });
    return [];
  }
  seen.add(real);
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    if (isHidden(e.name)) continue;
    const full = path.join(dir, e.name);
    if (isDirectoryLike(e, dir)) out.push(...(await listFiles(full, skipped, seen)));
    else if (IMAGE_EXTENSIONS.has(path.extname(e.name).toLowerCase())) out.push(full);
    else skipped.push({ path: full, reason: `not an image file type (${path.extname(e.name) || 'no extension'})` });
  }
  return out;
}

function isDirectoryLike(e: { isDirectory(): boolean; isSymbolicLink(): boolean; name: string }, parent: string): boolean {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  try {
    // Synchronous stat is fine here: symlinks are rare in datasets and this keeps the filter simple.
    return statSync(path.join(parent, e.name)).isDirectory();
  } catch {
    return false;
  }
}

/** Returns why the file is unusable, or undefined when its header is a readable image. */
async function checkImage(file: string): Promise<string | undefined> {
  const size = (await fs.stat(file)).size;
  if (size === 0) return 'empty file (0 bytes)';
  if (path.extname(file).toLowerCase() === '.bmp') return (await isBmp(file)) ? undefined : 'not a BMP image (bad header)';
  try {
    const meta = await sharp(file, { limitInputPixels: false }).metadata();
    if (!meta.format || !SHARP_FORMATS.has(meta.format)) return `unsupported image format (${meta.format ?? 'unknown'})`;
    const pixels = (meta.width ?? 0) * (meta.pageHeight ?? meta.height ?? 0);
    if (pixels > MAX_INPUT_PIXELS) return `image too large (${meta.width}×${meta.height} pixels, limit ${MAX_INPUT_PIXELS / 1e6} megapixels)`;
    return undefined;
  } catch (e) {
    return `not a readable image (${shortReason(e)})`;
  }
}

async function isBmp(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  try {
    const header = Buffer.alloc(2);
    await handle.read(header, 0, 2, 0);
    return header.toString('latin1') === 'BM';
  } finally {
    await handle.close();
  }
}

export function shortReason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0].replace(/^Input (file|buffer) /, '').slice(0, 160);
}

/** Maps with at most `limit` promises in flight (sharp has its own thread pool; this bounds open files). */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return out;
}
