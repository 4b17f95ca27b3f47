// The bench's rows for a user's ONNX sentence encoder: texts per second through an encoder of MiniLM's shape
// (6 layers, 384 wide, random weights from test/python/make_text_encoder.py) in our path (onnxruntime-node,
// @huggingface/tokenizers, pooling in JS) against the same folder in Python's onnxruntime and in
// sentence-transformers on torch. E-mail bodies, so every text fills the 128 tokens: batches of [32, 128] on
// every side (each pads to its batch's longest text). The peers get the threads and spinning ours runs with.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { nodeChildEnv, pythonChildEnv } from '../../shared/privateEnv';
import { plural } from '../../shared/plural';
import { normaliseText } from '../../shared/text/textNormalise';
import { ENCODER_BATCH, encoderThreading, openSentenceEncoder } from '../../trainer/text/sentenceEncoder';
import { median } from '../../shared/stats';
import { higher, timed, type Figure } from '../measure';
import { makeRandomEncoder, MINILM_SHAPE } from './randomEncoder';
import { spamAssassinBodies } from '../../samples/textSets';

/** Texts timed on each side: nine batches, after one warm-up batch (the first nine texts' batch again). */
const TEXTS = 288;
/** Timed passes of each side, each pass in a fresh process. */
const ROUNDS = 5;
const SIDES = ['ours', 'ort', 'torch'] as const;
type Side = (typeof SIDES)[number];
const JOB = '--encoder-job';
// A require esbuild does not follow: onnxruntime-node is native (as in sentenceEncoder.ts).
const runtimeRequire = createRequire(__filename);

/** What one timed pass prints, on every side: seconds for `texts` texts, and what ran them. */
interface Pass {
  seconds: number;
  texts: number;
  version: string;
}

/**
 * A child of the bench that times our encoder on a JSON list of texts as the Python peer times its own (one
 * warm-up batch, then every text), and prints one JSON line; true if this process is one.
 */
export async function encoderJob(argv: readonly string[]): Promise<boolean> {
  const at = argv.indexOf(JOB);
  if (at < 0) return false;
  const [folder, textsFile] = argv.slice(at + 1);
  const texts = JSON.parse(fs.readFileSync(textsFile, 'utf8')) as string[];
  const encoder = await openSentenceEncoder(folder);
  try {
    await encoder.encode(texts.slice(0, ENCODER_BATCH));
    const { seconds } = await timed(() => encoder.encode(texts));
    const { version: ortVersion } = runtimeRequire('onnxruntime-node/package.json') as { version: string };
    const version = `onnxruntime-node ${ortVersion}`;
    process.stdout.write(`${JSON.stringify({ seconds, texts: texts.length, version } satisfies Pass)}\n`);
  } finally {
    await encoder.dispose();
  }
  return true;
}

/** The Python of the peers: TRANSFER_STUDIO_PYTHON, else the one scripts/setup-python.sh installs. */
function benchPython(): string | undefined {
  const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  const installed = path.join(process.env.TRANSFER_STUDIO_PYENV ?? path.join(cache, 'transfer-studio/pyenv'));
  const python = process.env.TRANSFER_STUDIO_PYTHON ?? path.join(installed, 'bin/python');
  return fs.existsSync(python) ? python : undefined;
}

/** One timed pass of one side, in a process of its own. */
function pass(side: Side, python: string, folder: string, textsFile: string, cacheDir: string): Pass {
  const { threads, spinning } = encoderThreading();
  const script = path.resolve(__dirname, '../src/bench/peers/text_encoder_peer.py');
  const [command, args, env] =
    side === 'ours'
      ? [process.execPath, [process.argv[1], JOB, folder, textsFile], nodeChildEnv(process.env)]
      : [
          python,
          [script, folder, textsFile, side, String(ENCODER_BATCH), String(threads), spinning ? '1' : '0'],
          pythonChildEnv(process.env, cacheDir),
        ];
  const out = execFileSync(command, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Pass;
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
    .slice(0, TEXTS);
  const textsFile = path.join(cacheDir, 'encoder-bench-texts.json');
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(textsFile, JSON.stringify(texts));
  // Every pass of every side in a fresh process, the order turned each round: timed inside this long process,
  // after the peers had run, ours lagged a fresh process of the same code (5 of 6 rounds), and on a shared
  // machine two identical passes in a row differed by up to 20 %: the median of 5 rounds, each side first in some.
  const rates: Record<Side, number[]> = { ours: [], ort: [], torch: [] };
  const versions: Record<Side, string> = { ours: '', ort: '', torch: '' };
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < SIDES.length; k++) {
      const side = SIDES[(round + k) % SIDES.length];
      const result = pass(side, python, folder, textsFile, cacheDir);
      rates[side].push(result.texts / result.seconds);
      versions[side] = result.version;
    }
  }
  const each = SIDES.map((side) => `${side} ${rates[side].map((x) => x.toFixed(1)).join(', ')}`);
  process.stderr.write(`  encoder rounds, texts/s: ${each.join('; ')}\n`);
  const [ours, ort, torch] = SIDES.map((side) => median(rates[side]));
  const { threads, spinning } = encoderThreading();
  const shape =
    `${texts.length} e-mails cut at ${MINILM_SHAPE.maxLength} tokens, batch ${ENCODER_BATCH}, ` +
    `${plural(threads, 'thread')}${spinning ? ' spinning' : ''} each, median of ${ROUNDS} rounds, ` +
    `each pass a fresh process; ours on ${versions.ours}`;
  return [
    higher(`${name} vs Python onnxruntime`, ours, ort, 'texts/s', 1, `${shape}; Python ${versions.ort}`),
    higher(`${name} vs sentence-transformers`, ours, torch, 'texts/s', 1, `same rounds; ${versions.torch}`),
  ];
}
