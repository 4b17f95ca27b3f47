// The bench's rows for a user's ONNX sentence encoder: texts per second through an encoder of MiniLM's shape
// (6 layers, 384 wide, random weights from test/python/make_text_encoder.py) in our path (onnxruntime-node,
// @huggingface/tokenizers, pooling in JS) against the same folder in Python's onnxruntime and in
// sentence-transformers on torch. E-mail bodies, so every text fills the 128 tokens: batches of [32, 128] on
// every side (each pads to its batch's longest text). The peers get the thread count ours runs on.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pythonChildEnv } from '../../shared/privateEnv';
import { normaliseText } from '../../shared/text/textNormalise';
import { extraThreads } from '../../trainer/parallel/featurePool';
import { ENCODER_BATCH, openSentenceEncoder } from '../../trainer/text/sentenceEncoder';
import { median } from '../../shared/stats';
import { higher, timed, type Figure } from '../measure';
import { makeRandomEncoder, MINILM_SHAPE } from './randomEncoder';
import { spamAssassinBodies } from '../../samples/textSets';

/** The threads our encoder's session runs on (sentenceEncoder.ts), given to the peers too. */
const threads = () => extraThreads() + 1;

/** Texts timed: eight batches (one more before, as warm-up). */
const TEXTS = 256;
/** Timed passes of each side. */
const ROUNDS = 3;

/** The Python of the peers: TRANSFER_STUDIO_PYTHON, else the one scripts/setup-python.sh installs. */
function benchPython(): string | undefined {
  const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  const installed = path.join(process.env.TRANSFER_STUDIO_PYENV ?? path.join(cache, 'transfer-studio/pyenv'));
  const python = process.env.TRANSFER_STUDIO_PYTHON ?? path.join(installed, 'bin/python');
  return fs.existsSync(python) ? python : undefined;
}

function peer(python: string, folder: string, textsFile: string, mode: 'ort' | 'torch', cacheDir: string) {
  const script = path.resolve(__dirname, '../src/bench/peers/text_encoder_peer.py');
  const out = execFileSync(python, [script, folder, textsFile, mode, String(ENCODER_BATCH), String(threads())], {
    encoding: 'utf8',
    env: pythonChildEnv(process.env, cacheDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { seconds: number; texts: number; version: string };
}

export async function encoderThroughputFigures(cacheDir: string): Promise<Figure[]> {
  const python = benchPython();
  const name = 'ONNX encoder (MiniLM shape), texts/s';
  if (!python) {
    const note = 'not measured: no Python (scripts/setup-python.sh, or TRANSFER_STUDIO_PYTHON)';
    return [higher(name, NaN, NaN, 'texts/s', 1, note)];
  }
  const root = path.resolve(__dirname, '..');
  const folder = path.join(os.homedir(), '.cache/transfer-studio/bench/minilm-shape');
  makeRandomEncoder(python, root, folder, MINILM_SHAPE, cacheDir);
  const texts = spamAssassinBodies()
    .map((e) => normaliseText(e.text))
    .filter((t) => t.length > 2000)
    .slice(0, TEXTS + ENCODER_BATCH);
  const warm = texts.slice(0, ENCODER_BATCH);
  const timedTexts = texts.slice(ENCODER_BATCH);
  const textsFile = path.join(cacheDir, 'encoder-bench-texts.json');
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(textsFile, JSON.stringify(texts));
  // Rounds interleaved (ours, Python onnxruntime, sentence-transformers; again), each side's median rate: on a
  // shared machine one pass of each swung by ±10 % from run to run, more than the difference measured.
  const rate = (p: { seconds: number; texts: number }) => p.texts / p.seconds;
  const rates = { ours: [] as number[], ort: [] as number[], torch: [] as number[] };
  const versions = { ort: '', torch: '' };
  const encoder = await openSentenceEncoder(folder);
  try {
    await encoder.encode(warm);
    for (let round = 0; round < ROUNDS; round++) {
      rates.ours.push(timedTexts.length / (await timed(() => encoder.encode(timedTexts))).seconds);
      // The peers time all texts after their warm-up batch, which is the first batch of the same list.
      for (const mode of ['ort', 'torch'] as const) {
        const result = peer(python, folder, textsFile, mode, cacheDir);
        rates[mode].push(rate(result));
        versions[mode] = result.version;
      }
    }
  } finally {
    await encoder.dispose();
  }
  const each = Object.entries(rates).map(([side, r]) => `${side} ${r.map((x) => x.toFixed(1)).join(', ')}`);
  process.stderr.write(`  encoder rounds, texts/s: ${each.join('; ')}\n`);
  const [ours, ort, torch] = [median(rates.ours), median(rates.ort), median(rates.torch)];
  const shape =
    `${timedTexts.length} e-mails cut at ${MINILM_SHAPE.maxLength} tokens, batch ${ENCODER_BATCH}, ` +
    `${threads()} thread${threads() === 1 ? '' : 's'} each, median of ${ROUNDS} interleaved rounds`;
  return [
    higher(`${name} vs Python onnxruntime`, ours, ort, 'texts/s', 1, `${shape}; ${versions.ort}`),
    higher(`${name} vs sentence-transformers`, ours, torch, 'texts/s', 1, `${shape}; ${versions.torch}`),
  ];
}
