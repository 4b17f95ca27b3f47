// Reads the IDX format of (Fashion-)MNIST. The Debian package ships the official gzipped files; plain
// files are accepted too because users often keep the unpacked copies other tools leave behind.
import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { EngineError } from '../shared/engineError';

/** Where Debian's `dataset-fashion-mnist` installs the official files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Official label names, in label order, made safe as folder names. */
export const FASHION_LABELS = [
  't-shirt_top',
  'trouser',
  'pullover',
  'dress',
  'coat',
  'sandal',
  'shirt',
  'sneaker',
  'bag',
  'ankle_boot',
] as const;

export type FashionSplit = 'train' | 'test';

/** An unsigned-byte IDX tensor: `dims` outermost first, values row-major. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Grayscale images with one label each; image i is `pixels[i*rows*cols … (i+1)*rows*cols)`. */
export interface LabelledImages {
  count: number;
  rows: number;
  cols: number;
  pixels: Uint8Array;
  labels: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

const gunzipAsync = promisify(gunzip);

/** Parses an IDX buffer (gzipped or plain). Only unsigned bytes: the type every MNIST variant uses. */
export async function parseIdx(raw: Uint8Array, source = 'IDX data'): Promise<IdxArray> {
  let buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    // Off the main thread: the train images take a few hundred ms to inflate.
    buf = await gunzipAsync(buf).catch((e: Error) => {
      throw new EngineError(`${source} is not a valid gzip file (${e.message}).`);
    });
  }
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0)
    throw new EngineError(`${source} is not an IDX file (bad magic number).`);
  if (buf[2] !== UNSIGNED_BYTE)
    throw new EngineError(
      `${source}: IDX element type 0x${buf[2].toString(16)} is not supported (only unsigned bytes).`,
    );
  const rank = buf[3];
  const headerBytes = 4 + 4 * rank;
  if (rank === 0 || buf.length < headerBytes) throw new EngineError(`${source}: truncated IDX header.`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  if (buf.length - headerBytes !== size) {
    throw new EngineError(
      `${source}: IDX header announces ${dims.join('×')} = ${size} bytes, the file holds ${buf.length - headerBytes}.`,
    );
  }
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + headerBytes, size) };
}

export async function readIdxFile(file: string): Promise<IdxArray> {
  const raw = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new EngineError(`Cannot read ${file}: ${e.code ?? e.message}.`);
  });
  return parseIdx(raw, file);
}

/** Pairs an images file (rank 3) with its labels file (rank 1) and checks they agree. */
export async function readLabelledImages(imagesFile: string, labelsFile: string): Promise<LabelledImages> {
  const [images, labels] = await Promise.all([readIdxFile(imagesFile), readIdxFile(labelsFile)]);
  if (images.dims.length !== 3)
    throw new EngineError(`${imagesFile}: expected images of rank 3, found rank ${images.dims.length}.`);
  if (labels.dims.length !== 1)
    throw new EngineError(`${labelsFile}: expected labels of rank 1, found rank ${labels.dims.length}.`);
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count)
    throw new EngineError(`${imagesFile} has ${count} images but ${labelsFile} has ${labels.dims[0]} labels.`);
  return { count, rows, cols, pixels: images.data, labels: labels.data };
}

function fashionFiles(split: FashionSplit, dir: string): { images: string; labels: string } | undefined {
  const prefix = split === 'train' ? 'train' : 't10k';
  for (const ext of ['.gz', '']) {
    const images = path.join(dir, `${prefix}-images-idx3-ubyte${ext}`);
    const labels = path.join(dir, `${prefix}-labels-idx1-ubyte${ext}`);
    if (fs.existsSync(images) && fs.existsSync(labels)) return { images, labels };
  }
  return undefined;
}

/** True when both splits of Fashion-MNIST are on disk. */
export function fashionMnistAvailable(dir = FASHION_MNIST_DIR): boolean {
  return fashionFiles('train', dir) !== undefined && fashionFiles('test', dir) !== undefined;
}

// The train split is 47 MB unpacked: load it once per process, even when callers race for it.
const loaded = new Map<string, Promise<LabelledImages>>();

/** Loads one split of Fashion-MNIST (60,000 train or 10,000 test images, 28×28), shared: do not modify. */
export function loadFashionMnist(split: FashionSplit, dir = FASHION_MNIST_DIR): Promise<LabelledImages> {
  const key = `${path.resolve(dir)}:${split}`;
  let pending = loaded.get(key);
  if (!pending) {
    pending = readFashion(split, dir);
    loaded.set(key, pending);
    pending.catch(() => loaded.delete(key)); // a failed load may succeed once the package is installed
  }
  return pending;
}

async function readFashion(split: FashionSplit, dir: string): Promise<LabelledImages> {
  const files = fashionFiles(split, dir);
  if (!files) {
    throw new EngineError(
      `Fashion-MNIST not found at ${dir}: install the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist).`,
    );
  }
  const data = await readLabelledImages(files.images, files.labels);
  const bad = data.labels.findIndex((l) => l >= FASHION_LABELS.length);
  if (bad >= 0)
    throw new EngineError(
      `${files.labels}: label ${data.labels[bad]} at index ${bad} is not a Fashion-MNIST class (0–9).`,
    );
  return data;
}
