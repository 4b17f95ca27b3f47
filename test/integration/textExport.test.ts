// A text run exported to ONNX, checked against the engine's own predict with the tools a user loads it with:
// Hugging Face `tokenizers` on the exported tokenizer.json must give the engine's ids, and onnxruntime (Python,
// after onnx.checker, and Node) the engine's probabilities within 1e-4 with the same top-1.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import * as ort from 'onnxruntime-node';
import '@tensorflow/tfjs-backend-cpu';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '../../src/trainer/tf';
import { sotuSentences } from '../../src/samples/textSets';
import { normaliseText } from '../../src/shared/text/textNormalise';
import type { TextRunResult } from '../../src/shared/text/textProtocol';
import { idsOf } from '../../src/trainer/text/tunedEmbedding';
import { TUNED_MAX_TOKENS } from '../../src/trainer/text/tunedText';
import { wordIds } from '../../src/trainer/data/text/textVocabulary';
import { wordTokens } from '../../src/shared/text/textTokens';
import { readTextModel } from '../../src/trainer/text/textModelFile';
import { exportAnyRun as exportRun } from '../../src/trainer/text/textExport';
import { predictText, trainText } from '../../src/trainer/text/textRun';
import { paddedIds, textTokenIds } from '../../src/trainer/text/textTokenizerJson';
import { builtinWordVectors } from '../../src/trainer/text/wordVectors';
import { probabilityAgreement } from '../helpers/agreement';
import { ROOT, tempDir } from '../helpers/fixtures';
import { runPython, skipWithoutPython } from '../helpers/python';
import { csvQuote } from '../helpers/textTables';

const TOLERANCE = 1e-4;
const work = tempDir('text-export');
after(() => fs.rmSync(work, { recursive: true, force: true }));

const ACCENTS = 'Café naïve résumé: İstanbul ﬁnances ½ of the budget';
/**
 * Held-out sentences, and texts that probe the tokenizer: identifiers, accents, control characters, no known
 * word, no word at all.
 */
const TRICKY = [
  'getUserName failed in src/cli/main_loop.ts after HTTPServer restarted (md5sum a1b2)',
  ACCENTS,
  'tabs\tand\u0001control\u0007 characters\r\nacross lines',
  'zzqxv qqxzz',
  // Marks NFKC leaves alone end the engine's words: an i + U+0307 typed decomposed, Devanagari vowel signs.
  'i\u0307stanbul and नमस्ते दुनिया',
  // No word at all, so no token: the engine pools to zeros; a mean over the mask alone divides 0 by 0.
  '!!! ??? ...',
  // Longer than the fine-tuned model's cut.
  Array.from({ length: 450 }, (_, i) => ['peace', 'war', 'trade'][i % 3]).join(' '),
];
let texts: string[] = [];
let glove: TextRunResult;
let tuned: TextRunResult;

function writeCsv(file: string, rows: { text: string; label: string }[]): string {
  fs.writeFileSync(file, ['text,label', ...rows.map((r) => `${csvQuote(r.text)},${csvQuote(r.label)}`)].join('\n'));
  return file;
}

before(() => {
  const byParty = new Map<string, { text: string; label: string }[]>();
  for (const e of sotuSentences()) byParty.set(e.label, [...(byParty.get(e.label) ?? []), e]);
  const parties = ['Democratic', 'Republican', 'Whig'].filter((p) => byParty.has(p));
  assert.equal(parties.length, 3);
  const train = parties.flatMap((p) => byParty.get(p)!.slice(0, 40));
  // A word with accents in the fine-tuned model's own vocabulary (GloVe's words are ASCII).
  train.push({ text: 'The café paid a naïve résumé of taxes', label: parties[0] });
  texts = [
    ...parties.flatMap((p) =>
      byParty
        .get(p)!
        .slice(40, 44)
        .map((e) => e.text),
    ),
    ...TRICKY,
  ];
  const data = writeCsv(path.join(work, 'sotu.csv'), train);
  const params = { source: data, columns: {}, outputDir: path.join(work, 'runs'), seed: 1, validationSplit: 0.2 };
  const quiet = () => undefined;
  glove = trainText({ ...params, model: 'glove', testSplit: 0 }, quiet);
  tuned = trainText({ ...params, model: 'tuned', testSplit: 0 }, quiet);
});

/** Max |Δp| against the engine; fails on another top-1 or a difference above the tolerance. */
const agree = (engine: number[][], rows: number[][], loader: string) =>
  probabilityAgreement(engine, rows, loader, texts, TOLERANCE);

/** The engine's ids of each text for a run: GloVe's, or the fine-tuned model's own vocabulary (cut at 400). */
function engineIds(run: TextRunResult): number[][] {
  const normalised = texts.map((text) => normaliseText(text));
  const { tuned: model } = readTextModel(run.runDir).model;
  if (!model) return normalised.map((text) => textTokenIds(builtinWordVectors(), text));
  return idsOf(wordIds(model.words), normalised.map(wordTokens), TUNED_MAX_TOKENS).map((r) => [...r]);
}

/** predict's probabilities of the texts, in the run's class order. */
function enginePredictions(run: TextRunResult): number[][] {
  const predictions = predictText(
    run.runDir,
    texts.map((text, i) => ({ path: `t${i}`, text })),
  );
  return predictions.map((p) => run.classes.map((c) => p.scores[c]));
}

/** Exports a run; for ONNX runs it in onnxruntime-node; then in Python (onnxruntime or Keras 3). */
async function checkExport(t: TestContext, run: TextRunResult, format: 'onnx' | 'keras'): Promise<void> {
  const result = await exportRun({ runDir: run.runDir, format });
  assert.equal(result.path, path.join(run.runDir, `model.${format}`));
  assert.equal(result.tokenizerPath, path.join(run.runDir, 'model.tokenizer.json'));
  assert.deepEqual(fs.readFileSync(result.labelsPath, 'utf8').trim().split('\n'), run.classes);
  const engine = enginePredictions(run);
  const ids = engineIds(run);
  assert.ok(ids[TRICKY.length].length > 0);

  if (format === 'onnx') await checkNode(t, run, result.path, ids, engine);
  if (skipWithoutPython()) return t.skip(String(skipWithoutPython()));
  const textsFile = path.join(work, 'texts.json');
  fs.writeFileSync(textsFile, JSON.stringify(texts));
  const script = path.join(ROOT, 'test/python/run_text_exported.py');
  const python = JSON.parse(runPython(script, [result.path, result.tokenizerPath!, textsFile]));
  assert.deepEqual(python.ids, ids, 'tokenizers gives the engine ids');
  const loader = format === 'onnx' ? 'Python onnxruntime' : 'Keras 3';
  t.diagnostic(`${loader} max |Δp| ${agree(engine, python.probabilities, loader).toExponential(1)}`);
}

/** The engine's ids, padded to the longest, in onnxruntime-node. */
async function checkNode(t: TestContext, run: TextRunResult, file: string, ids: number[][], engine: number[][]) {
  const session = await ort.InferenceSession.create(file);
  assert.deepEqual(session.inputNames, ['input_ids', 'attention_mask']);
  const b = paddedIds(ids);
  const out = await session.run({
    input_ids: new ort.Tensor('int64', b.inputIds, b.shape),
    attention_mask: new ort.Tensor('int64', b.attentionMask, b.shape),
  });
  const k = run.classes.length;
  const probs = Array.from(out.probabilities.data as Float32Array);
  const rows = ids.map((_, i) => probs.slice(i * k, (i + 1) * k));
  t.diagnostic(`onnxruntime-node max |Δp| ${agree(engine, rows, 'onnxruntime-node').toExponential(1)}`);
}

test('a GloVe text run exports to ONNX with tokenizer.json and labels; Python and Node agree with predict', (t) =>
  checkExport(t, glove, 'onnx'));

test('a GloVe run pooled by the mean alone (text.pooling: mean) exports to ONNX; Node and Python agree', (t) => {
  const data = path.join(work, 'sotu.csv');
  const params = { source: data, columns: {}, outputDir: path.join(work, 'runs'), seed: 1, validationSplit: 0.2 };
  const mean = trainText({ ...params, model: 'glove', testSplit: 0, pooling: 'mean' }, () => undefined);
  assert.equal(mean.layers?.pooling, 'mean');
  return checkExport(t, mean, 'onnx');
});

test('a fine-tuned text run exports to ONNX on its own vocabulary; Python and Node agree with predict', async (t) => {
  const accented = engineIds(tuned)[texts.indexOf(ACCENTS)];
  assert.ok(accented.includes(wordIds(readTextModel(tuned.runDir).model.tuned!.words).get('café')!));
  assert.equal(engineIds(tuned).at(-1)!.length, TUNED_MAX_TOKENS, 'the long text is cut');
  await checkExport(t, tuned, 'onnx');
});

test('a fine-tuned text run exports to Keras 3 (Embedding, masked mean in keras.ops, head)', (t) =>
  checkExport(t, tuned, 'keras'));

/** TF.js in Node: the folder's files read as a user's loader reads them, the engine's ids as int32. */
async function checkTfjs(t: TestContext, run: TextRunResult): Promise<void> {
  const result = await exportRun({ runDir: run.runDir, format: 'tfjs' });
  const dir = path.join(run.runDir, 'tfjs');
  assert.equal(result.path, path.join(dir, 'model.json'));
  assert.deepEqual(fs.readFileSync(result.labelsPath, 'utf8').trim().split('\n'), run.classes);
  const json = JSON.parse(fs.readFileSync(result.path, 'utf8'));
  const group = json.weightsManifest[0];
  const bytes = fs.readFileSync(path.join(dir, group.paths[0]));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  await tf.setBackend('cpu');
  const artifacts = { modelTopology: json.modelTopology, weightSpecs: group.weights, weightData };
  const model = await loadGraphModel(tf.io.fromMemory(artifacts));
  const ids = engineIds(run);
  const b = paddedIds(ids);
  const int32 = (v: BigInt64Array) => tf.tensor(Int32Array.from(v, Number), b.shape, 'int32');
  const out = model.execute({ input_ids: int32(b.inputIds), attention_mask: int32(b.attentionMask) }) as tf.Tensor;
  const rows = out.arraySync() as number[][];
  tf.dispose(out);
  t.diagnostic(`TF.js max |Δp| ${agree(enginePredictions(run), rows, 'TF.js').toExponential(1)}`);
}

test('GloVe and fine-tuned runs export to TF.js graph models; tfjs in Node agrees with predict', async (t) => {
  await checkTfjs(t, glove);
  await checkTfjs(t, tuned);
});

test('a GloVe run does not export to Keras, by name, and writes nothing', async () => {
  await assert.rejects(exportRun({ runDir: glove.runDir, format: 'keras' }), /glove model does not export to keras/);
  assert.ok(!fs.existsSync(path.join(glove.runDir, 'model.keras')));
});
