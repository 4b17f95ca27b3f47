// A lexical (TF-IDF) text run exported to ONNX through TfIdfVectorizer, checked against the engine's predict
// with the tools a user loads it with: Hugging Face `tokenizers` on the word and character tokenizer.json must
// give the engine's two id streams, and onnxruntime (Python, after onnx.checker, and Node) the engine's
// probabilities within 1e-4 with the same top-1 — on held-out sentences and on texts that probe both streams.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { sotuSentences } from '../../src/samples/textSets';
import { normaliseText } from '../../src/shared/text/textNormalise';
import { wordTokens } from '../../src/shared/text/textTokens';
import type { TextRunResult } from '../../src/shared/text/textProtocol';
import { charIds, lexicalVocabulary } from '../../src/trainer/text/lexicalVocabulary';
import { exportAnyRun as exportRun } from '../../src/trainer/text/textExport';
import { readTextModel } from '../../src/trainer/text/textModelFile';
import { predictText, trainText } from '../../src/trainer/text/textRun';
import { paddedIds, UNKNOWN_ID } from '../../src/trainer/text/textTokenizerJson';
import { FIRST_WORD_ID } from '../../src/trainer/data/text/textVocabulary';
import { probabilityAgreement } from '../helpers/agreement';
import { ROOT, tempDir } from '../helpers/fixtures';
import { runPython, skipWithoutPython } from '../helpers/python';
import { csvQuote } from '../helpers/textTables';

const TOLERANCE = 1e-4;
const work = tempDir('lexical-export');
after(() => fs.rmSync(work, { recursive: true, force: true }));

/** Texts that probe the two streams: white space, case, marks, ligatures, an emoji, control characters. */
const TRICKY = [
  '  the   war\u00a0of 1812\tand  the navy  ',
  'getUserName failed in src/cli/main_loop.ts (md5sum a1b2)',
  'Café naïve résumé: İstanbul, i\u0307stanbul, ﬁnances ½ of the budget',
  'ΟΔΟΣ ΣΟΦΙΑΣ and the Congress 😀 of the states',
  'tabs\tand\u0001control\u0007 characters\r\nacross lines',
  'नमस्ते दुनिया',
  'zzqxv qqxzz',
  // Longer than the character stream's cut (3,000 characters).
  Array.from({ length: 900 }, (_, i) => ['peace', 'war', 'trade', 'banks'][i % 4]).join(' '),
];
let texts: string[] = [];
let run: TextRunResult;

before(() => {
  const byParty = new Map<string, string[]>();
  for (const e of sotuSentences()) byParty.set(e.label, [...(byParty.get(e.label) ?? []), e.text]);
  const parties = ['Democratic', 'Republican', 'Whig'];
  const rows = parties.flatMap((p) =>
    byParty
      .get(p)!
      .slice(0, 40)
      .map((text) => `${csvQuote(text)},${p}`),
  );
  const data = path.join(work, 'sotu.csv');
  fs.writeFileSync(data, ['text,label', ...rows].join('\n'));
  texts = [...parties.flatMap((p) => byParty.get(p)!.slice(40, 45)), ...TRICKY];
  const params = { source: data, columns: {}, outputDir: path.join(work, 'runs'), seed: 1, validationSplit: 0.2 };
  run = trainText({ ...params, model: 'lexical', testSplit: 0 }, () => undefined);
});

/** Max |Δp| against the engine; fails on another top-1 or a difference above the tolerance. */
const agree = (engine: number[][], rows: number[][], loader: string) =>
  probabilityAgreement(engine, rows, loader, texts, TOLERANCE);

test('lexical → ONNX (TfIdfVectorizer), two tokenizers: Python and Node agree with predict', async (t) => {
  const result = await exportRun({ runDir: run.runDir, format: 'onnx' });
  assert.equal(result.charTokenizerPath, path.join(run.runDir, 'model.chars.tokenizer.json'));
  assert.deepEqual(fs.readFileSync(result.labelsPath, 'utf8').trim().split('\n'), run.classes);
  const predictions = predictText(
    run.runDir,
    texts.map((text, i) => ({ path: `t${i}`, text })),
  );
  const engine = predictions.map((p) => run.classes.map((c) => p.scores[c]));
  // The engine's two streams: its words over the run's vocabulary, its padded character stream.
  const vocabulary = lexicalVocabulary(readTextModel(run.runDir).model.lexical!.state, run.runDir);
  const wordId = new Map(vocabulary.words.map((w, i) => [w, i + FIRST_WORD_ID]));
  const normalised = texts.map((text) => normaliseText(text));
  const ids = normalised.map((text) => wordTokens(text).map((w) => wordId.get(w) ?? UNKNOWN_ID));
  const chars = normalised.map((text) => charIds(vocabulary.characters, text));
  assert.ok(chars.at(-1)!.length > 3000, 'the long text passes the cut');

  const session = await ort.InferenceSession.create(result.path);
  assert.deepEqual(session.inputNames, ['input_ids', 'char_ids']);
  const [w, c] = [paddedIds(ids), paddedIds(chars)];
  const out = await session.run({
    input_ids: new ort.Tensor('int64', w.inputIds, w.shape),
    char_ids: new ort.Tensor('int64', c.inputIds, c.shape),
  });
  const k = run.classes.length;
  const probs = Array.from(out.probabilities.data as Float32Array);
  const rows = texts.map((_, i) => probs.slice(i * k, (i + 1) * k));
  t.diagnostic(`onnxruntime-node max |Δp| ${agree(engine, rows, 'onnxruntime-node').toExponential(1)}`);

  if (skipWithoutPython()) return t.skip(String(skipWithoutPython()));
  const textsFile = path.join(work, 'texts.json');
  fs.writeFileSync(textsFile, JSON.stringify(texts));
  const script = path.join(ROOT, 'test/python/run_streams_exported.py');
  const streams = [`input_ids=${result.tokenizerPath!}`, `char_ids=${result.charTokenizerPath!}`];
  const python = JSON.parse(runPython(script, [result.path, textsFile, ...streams]));
  assert.deepEqual(python.input_ids, ids, 'tokenizers gives the engine word ids');
  assert.deepEqual(python.char_ids, chars, 'tokenizers gives the engine character ids');
  t.diagnostic(`Python onnxruntime max |Δp| ${agree(engine, python.probabilities, 'Python').toExponential(1)}`);
});

test('a lexical run does not export to Keras or TF.js, by name, and writes nothing', async () => {
  const before = fs.readdirSync(run.runDir).sort();
  for (const format of ['keras', 'tfjs'] as const)
    await assert.rejects(exportRun({ runDir: run.runDir, format }), /lexical model does not export to/);
  assert.deepEqual(fs.readdirSync(run.runDir).sort(), before);
});
