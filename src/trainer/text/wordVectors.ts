// The built-in GloVe-100 vectors (dist/text/glove-100d.bin, written by scripts/wordVectors.mjs): int8 values
// with a scale per word, in frequency order, so a word's rank is its index (SIF weighting uses it). The file
// carries its own hash table, so loading is one read and a few views: no Map of 341k strings.
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../../shared/engineError';
import { formatBytes, LIMITS } from '../../shared/limits';
import { WORD_VECTORS_FILE } from '../../shared/text/textFiles';
import { packageRoot } from '../packageRoot';

const MAGIC = 'TSWV2\n';
const HEADER = MAGIC.length + 12;
// File name under dist/text (the build script writes the same name); the editor states its size.
export { WORD_VECTORS_FILE };

/** Word vectors in frequency order; `lookup` gives a word's rank (its index) or -1. */
export interface WordVectors {
  dims: number;
  count: number;
  scales: Float32Array;
  values: Int8Array;
  lookup(word: string): number;
  /** The word of rank `i` (exports write the vocabulary out). */
  word(i: number): string;
}

let loaded: WordVectors | undefined;

/** Where the built-in vectors are: the package's dist/text (bundled or run from source alike). */
export function wordVectorsPath(): string {
  return path.join(packageRoot(), 'dist', 'text', WORD_VECTORS_FILE);
}

/** Loads the built-in vectors once per process. */
export function builtinWordVectors(): WordVectors {
  return (loaded ??= readWordVectors(wordVectorsPath()));
}

/** Reads a word-vectors file, checking its sizes against its own header before using them. */
export function readWordVectors(file: string): WordVectors {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new EngineError(`${file}: the built-in word vectors are missing (npm run build writes them).`);
  if (stat.size > LIMITS.maxWordVectorsBytes) {
    throw new EngineError(
      `${file}: ${formatBytes(stat.size)} is more than ${formatBytes(LIMITS.maxWordVectorsBytes)}.`,
    );
  }
  // A fresh ArrayBuffer of exactly the file: every typed view below is then aligned.
  const buffer = new ArrayBuffer(stat.size);
  const bytes = new Uint8Array(buffer);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, bytes, 0, stat.size, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (Buffer.from(buffer, 0, MAGIC.length).toString('latin1') !== MAGIC) {
    throw new EngineError(`${file}: not a word-vectors file.`);
  }
  const header = new DataView(buffer, MAGIC.length, 12);
  const [count, dims, slots] = [0, 4, 8].map((at) => header.getUint32(at, true));
  // The header is 18 bytes: the 4-byte sections are copied out to be aligned (7 MB, milliseconds).
  const layout = sections(count, dims, slots);
  if (dims < 1 || dims > 4096 || (slots & (slots - 1)) !== 0 || slots < count || layout.bytes > stat.size) {
    throw new EngineError(`${file}: truncated or corrupt.`);
  }
  const scales = new Float32Array(buffer.slice(layout.scales, layout.scales + count * 4));
  const values = new Int8Array(buffer, layout.values, count * dims);
  const starts = new Uint32Array(buffer.slice(layout.starts, layout.starts + (count + 1) * 4));
  const table = new Int32Array(buffer.slice(layout.table, layout.table + slots * 4));
  const words = bytes.subarray(layout.bytes);
  const encoder = new TextEncoder();
  const lookup = (word: string): number => {
    const key = encoder.encode(word);
    for (let s = fnv1a(key) & (slots - 1); ; s = (s + 1) & (slots - 1)) {
      const entry = table[s];
      if (entry === 0) return -1;
      if (sameBytes(words, starts[entry - 1], starts[entry], key)) return entry - 1;
    }
  };
  const decoder = new TextDecoder();
  const word = (i: number) => decoder.decode(words.subarray(starts[i], starts[i + 1]));
  return { dims, count, scales, values, lookup, word };
}

function sections(count: number, dims: number, slots: number) {
  const scales = HEADER;
  const values = scales + count * 4;
  const starts = values + count * dims;
  const table = starts + (count + 1) * 4;
  return { scales, values, starts, table, bytes: table + slots * 4 };
}

/** FNV-1a of the UTF-8 bytes, as the build script computes it. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

function sameBytes(words: Uint8Array, from: number, to: number, key: Uint8Array): boolean {
  if (to - from !== key.length) return false;
  for (let i = 0; i < key.length; i++) if (words[from + i] !== key[i]) return false;
  return true;
}

/** Adds `weight ×` the vector of word `i` into `out`. */
export function addVector(vectors: WordVectors, i: number, weight: number, out: Float64Array): void {
  const s = vectors.scales[i] * weight;
  const at = i * vectors.dims;
  for (let d = 0; d < vectors.dims; d++) out[d] += s * vectors.values[at + d];
}

/** Element-wise maximum of `out` and the vector of word `i`. */
export function maxVector(vectors: WordVectors, i: number, out: Float64Array): void {
  const s = vectors.scales[i];
  const at = i * vectors.dims;
  for (let d = 0; d < vectors.dims; d++) out[d] = Math.max(out[d], s * vectors.values[at + d]);
}
