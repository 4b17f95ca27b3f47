// The user's encoder is the slow part of a text run with one (a MiniLM-sized model: tens of texts a second on
// two cores), so its vector of each text is kept: one small file per text under the encoder's content key,
// named by the text's hash. Another split, another head or a second run on the same texts reads them back;
// a changed model gets a new key. Files are written whole (temporary name, then rename), so concurrent runs
// never see half a vector and may both write the same one.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SentenceEncoder } from './sentenceEncoder';

/** The cache's folder under the cache root. */
const FOLDER = 'text-encoders';

const textHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 40);

function read(file: string): Float32Array | undefined {
  try {
    const b = fs.readFileSync(file);
    return b.length > 0 && b.length % 4 === 0 ? new Float32Array(b.buffer, b.byteOffset, b.length / 4) : undefined;
  } catch {
    return undefined;
  }
}

function write(file: string, v: Float32Array): void {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temp, new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    fs.renameSync(temp, file);
  } catch {
    // A full or read-only cache costs the next run time, not this run its result.
    fs.rmSync(temp, { force: true });
  }
}

/** The encoder's vector of each text: from the cache where it has one, computed (and kept) otherwise. */
export async function encodeCached(
  encoder: SentenceEncoder,
  texts: readonly string[],
  cacheDir: string | undefined,
): Promise<{ vectors: Float32Array[]; computed: number }> {
  if (!cacheDir) return { vectors: await encoder.encode(texts), computed: texts.length };
  const dir = path.join(cacheDir, FOLDER, encoder.key);
  const files = texts.map((t) => {
    const h = textHash(t);
    return path.join(dir, h.slice(0, 2), `${h}.f32`);
  });
  const vectors = files.map(read);
  const missing = [...new Set(texts.filter((_, i) => !vectors[i]))];
  if (missing.length > 0) {
    const fresh = new Map((await encoder.encode(missing)).map((v, i) => [missing[i], v]));
    texts.forEach((t, i) => {
      if (vectors[i]) return;
      vectors[i] = fresh.get(t)!;
      write(files[i], vectors[i]);
    });
  }
  return { vectors: vectors as Float32Array[], computed: missing.length };
}
