// A sentence encoder nobody trained, for testing and measuring the ONNX encoder path offline: a BERT of the
// given shape from one random init, saved by real sentence-transformers (torch) and exported to ONNX in the
// same folder by test/python/make_text_encoder.py; its WordPiece vocabulary is trained on State of the Union
// sentences (npm). A stamp in the folder lets a second call return at once.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pythonChildEnv } from '../../shared/privateEnv';
import { sotuSentences } from '../../samples/textSets';

/** A BERT's shape and its sentence-transformers head. */
export interface EncoderShape {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  vocabulary: number;
  maxLength: number;
  pooling: 'mean' | 'cls' | 'max';
  normalize: boolean;
}

/** all-MiniLM-L6-v2's shape (6 layers, 384 wide, 12 heads, 1536 inner), mean pooling and normalised. */
export const MINILM_SHAPE: EncoderShape = {
  layers: 6,
  hidden: 384,
  heads: 12,
  intermediate: 1536,
  vocabulary: 30522,
  maxLength: 128,
  pooling: 'mean',
  normalize: true,
};

/** A few hundred kB: what the tests compare with sentence-transformers. */
export const TINY_ENCODER_SHAPE: EncoderShape = {
  layers: 2,
  hidden: 32,
  heads: 2,
  intermediate: 64,
  vocabulary: 1000,
  maxLength: 24,
  pooling: 'mean',
  normalize: true,
};

/** The script, from the repository (the bench and the tests run from a clone). */
export function encoderScript(root: string): string {
  return path.join(root, 'test/python/make_text_encoder.py');
}

/** Makes (or finds) the encoder in `dir` with `python`; returns `dir`. Throws with Python's last line. */
export function makeRandomEncoder(python: string, root: string, dir: string, shape: EncoderShape, cache: string) {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const corpus = `${dir}.corpus.txt`;
  if (!fs.existsSync(corpus))
    fs.writeFileSync(
      corpus,
      sotuSentences()
        .map((e) => e.text)
        .join('\n'),
    );
  const s = shape;
  const args = [s.layers, s.hidden, s.heads, s.intermediate, s.vocabulary, s.maxLength].map(String);
  try {
    execFileSync(python, [encoderScript(root), dir, corpus, ...args, s.pooling, s.normalize ? '1' : '0'], {
      encoding: 'utf8',
      env: pythonChildEnv(process.env, cache),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`make_text_encoder.py: ${(err.stderr?.trim().split('\n').at(-1) ?? err.message).slice(0, 200)}`);
  }
  return dir;
}
