// The fused text model (the default) exported to ONNX, checked against the engine's predict with the tools a
// user loads it with: Hugging Face `tokenizers` on the three tokenizer.json files must give the engine's three
// id streams (GloVe's words, the lexical words, the characters), and onnxruntime (Python, after onnx.checker,
// and Node) the engine's probabilities within 1e-4 with the same top-1. Both term countings and two GloVe
// scales: a run on sentences (1 + ln count), a run on long texts (its own scale and counting), and that run
// with its counting switched (whichever cross-validation chose, both get checked). And the CLI's export.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import * as ort from 'onnxruntime-node';
import { normaliseText } from '../../src/shared/text/textNormalise';
import { wordTokens } from '../../src/shared/text/textTokens';
import { TEXT_MODEL_FILE } from '../../src/shared/text/textFiles';
import type { TextRunResult } from '../../src/shared/text/textProtocol';
import type { ExportResult } from '../../src/shared/exportTypes';
import { FIRST_WORD_ID } from '../../src/trainer/data/text/textVocabulary';
import { charIds, lexicalVocabulary } from '../../src/trainer/text/lexicalVocabulary';
import { exportAnyRun as exportRun } from '../../src/trainer/text/textExport';
import { readTextModel } from '../../src/trainer/text/textModelFile';
import { predictText, trainText } from '../../src/trainer/text/textRun';
import { paddedIds, textTokenIds, UNKNOWN_ID } from '../../src/trainer/text/textTokenizerJson';
import { builtinWordVectors } from '../../src/trainer/text/wordVectors';
import { probabilityAgreement } from '../helpers/agreement';
import { cliEnv, cliSync, jsonLines } from '../helpers/cli';
import { ROOT, tempDir } from '../helpers/fixtures';
import { runPython, skipWithoutPython } from '../helpers/python';
import { partyRows, writeTextCsv } from '../helpers/textTables';

const TOLERANCE = 1e-4;
const PARTIES = ['Democratic', 'Republican', 'Whig'];
const work = tempDir('fused-export');
after(() => fs.rmSync(work, { recursive: true, force: true }));

/** Texts that probe the three streams: identifiers, accents, no known word, no word, nothing, past the cut. */
const TRICKY = [
  'getUserName failed in src/cli/main_loop.ts after HTTPServer restarted (md5sum a1b2)',
  // GloVe finds café as cafe; the lexical n-grams keep café.
  'Café naïve résumé: İstanbul, i\u0307stanbul, ﬁnances ½ of the budget',
  'ΟΔΟΣ ΣΟΦΙΑΣ and the Congress 😀 of the states',
  'tabs\tand\u0001control\u0007 characters\r\nacross lines',
  'zzqxv qqxzz',
  '!!! ??? ...',
  '',
  // Longer than the character stream's cut (3,000 characters).
  Array.from({ length: 900 }, (_, i) => ['peace', 'war', 'trade', 'banks'][i % 4]).join(' '),
];
let texts: string[] = [];
let sentences: TextRunResult;
let long: TextRunResult;

before(() => {
  const rows = partyRows(PARTIES, 90, 5);
  const train = PARTIES.flatMap((p) => rows.filter((r) => r.label === p).slice(0, 40));
  // Long texts: 6 sentences of a party each (median ≈ 150 words), so the length rule shrinks the GloVe row.
  const joined = PARTIES.flatMap((p) => {
    const own = rows.filter((r) => r.label === p).slice(40, 88);
    return Array.from({ length: 8 }, (_, k) => ({
      label: p,
      text: own
        .slice(6 * k, 6 * k + 6)
        .map((r) => r.text)
        .join(' '),
    }));
  });
  const heldOut = PARTIES.flatMap((p) => rows.filter((r) => r.label === p).slice(88, 90));
  texts = [...heldOut.map((r) => r.text), ...TRICKY];
  const params = { columns: {}, outputDir: path.join(work, 'runs'), seed: 1, validationSplit: 0.2, testSplit: 0 };
  const quiet = () => undefined;
  sentences = trainText({ ...params, source: writeTextCsv(path.join(work, 's.csv'), train), model: 'fused' }, quiet);
  long = trainText({ ...params, source: writeTextCsv(path.join(work, 'l.csv'), joined), model: 'fused' }, quiet);
});

/** predict's probabilities of the texts, in the run's class order. */
function enginePredictions(run: TextRunResult): number[][] {
  const predictions = predictText(
    run.runDir,
    texts.map((text, i) => ({ path: `t${i}`, text })),
  );
  return predictions.map((p) => run.classes.map((c) => p.scores[c]));
}

/** The engine's three id streams: GloVe's word ids, the run's training words, its character stream. */
function engineStreams(runDir: string) {
  const { fused } = readTextModel(runDir).model;
  const vocabulary = lexicalVocabulary(fused!.lexical, runDir);
  const wordId = new Map(vocabulary.words.map((w, i) => [w, i + FIRST_WORD_ID]));
  const normalised = texts.map((text) => normaliseText(text));
  return {
    ids: normalised.map((text) => textTokenIds(builtinWordVectors(), text)),
    words: normalised.map((text) => wordTokens(text).map((w) => wordId.get(w) ?? UNKNOWN_ID)),
    chars: normalised.map((text) => charIds(vocabulary.characters, text)),
  };
}

/** Exports a run folder to ONNX and holds onnxruntime-node and Python onnxruntime to its predict. */
async function checkFused(t: TestContext, runDir: string, classes: string[]): Promise<ExportResult> {
  const result = await exportRun({ runDir, format: 'onnx' });
  assert.equal(result.tokenizerPath, path.join(runDir, 'model.tokenizer.json'));
  assert.equal(result.wordTokenizerPath, path.join(runDir, 'model.words.tokenizer.json'));
  assert.equal(result.charTokenizerPath, path.join(runDir, 'model.chars.tokenizer.json'));
  assert.deepEqual(fs.readFileSync(result.labelsPath, 'utf8').trim().split('\n'), classes);
  const files = [result.path, result.tokenizerPath!, result.wordTokenizerPath!, result.charTokenizerPath!];
  t.diagnostic(files.map((f) => `${path.basename(f)} ${(fs.statSync(f).size / 1e6).toFixed(2)} MB`).join(', '));
  const engine = enginePredictions({ runDir, classes } as TextRunResult);
  const streams = engineStreams(runDir);
  const agree = (rows: number[][], loader: string) => probabilityAgreement(engine, rows, loader, texts, TOLERANCE);

  const session = await ort.InferenceSession.create(result.path);
  assert.deepEqual(session.inputNames, ['input_ids', 'attention_mask', 'word_ids', 'char_ids']);
  const [g, w, c] = [streams.ids, streams.words, streams.chars].map(paddedIds);
  const out = await session.run({
    input_ids: new ort.Tensor('int64', g.inputIds, g.shape),
    attention_mask: new ort.Tensor('int64', g.attentionMask, g.shape),
    word_ids: new ort.Tensor('int64', w.inputIds, w.shape),
    char_ids: new ort.Tensor('int64', c.inputIds, c.shape),
  });
  const k = classes.length;
  const probs = Array.from(out.probabilities.data as Float32Array);
  const rows = texts.map((_, i) => probs.slice(i * k, (i + 1) * k));
  t.diagnostic(`onnxruntime-node max |Δp| ${agree(rows, 'onnxruntime-node').toExponential(1)}`);

  if (skipWithoutPython()) {
    t.skip(String(skipWithoutPython()));
    return result;
  }
  const textsFile = path.join(work, 'texts.json');
  fs.writeFileSync(textsFile, JSON.stringify(texts));
  const script = path.join(ROOT, 'test/python/run_streams_exported.py');
  const [model, glove, words, chars] = files;
  const args = [model, textsFile, `input_ids=${glove}`, `word_ids=${words}`, `char_ids=${chars}`];
  const python = JSON.parse(runPython(script, args));
  assert.deepEqual(python.input_ids, streams.ids, 'tokenizers gives the engine GloVe ids');
  assert.deepEqual(python.word_ids, streams.words, 'tokenizers gives the engine word ids');
  assert.deepEqual(python.char_ids, streams.chars, 'tokenizers gives the engine character ids');
  t.diagnostic(`Python onnxruntime max |Δp| ${agree(python.probabilities, 'Python').toExponential(1)}`);
  return result;
}

test('a fused run on sentences exports to ONNX; Python and Node agree with predict', async (t) => {
  const { fused } = readTextModel(sentences.runDir).model;
  assert.ok(fused && !fused.binary, 'sentences count terms as 1 + ln(count)');
  const streams = engineStreams(sentences.runDir);
  const at = (text: string) => texts.indexOf(text);
  assert.ok(streams.chars[at(TRICKY.at(-1)!)].length > 3000, 'the long text passes the cut');
  assert.ok(
    streams.ids[at('zzqxv qqxzz')].every((id) => id === UNKNOWN_ID),
    'a text of no known word',
  );
  assert.notEqual(streams.ids[at(TRICKY[1])][0], UNKNOWN_ID, 'GloVe finds café as cafe');
  await checkFused(t, sentences.runDir, sentences.classes);
});

test('a fused run on long texts exports its scale and counting, and its counting switched', async (t) => {
  const trained = readTextModel(long.runDir).model.fused!;
  assert.ok(trained.scale < readTextModel(sentences.runDir).model.fused!.scale, 'a shorter GloVe row');
  t.diagnostic(`long texts: GloVe row × ${trained.scale}, ${trained.binary ? 'binary' : 'sublinear'} counts`);
  await checkFused(t, long.runDir, long.classes);
  // The same fitted model counting terms the other way: predict reads the switch, the export must too.
  const switched = path.join(work, 'switched');
  fs.cpSync(long.runDir, switched, { recursive: true });
  const file = path.join(switched, TEXT_MODEL_FILE);
  const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
  stored.fused.binary = !trained.binary;
  fs.writeFileSync(file, JSON.stringify(stored));
  assert.equal(readTextModel(switched).model.fused!.binary, !trained.binary);
  await checkFused(t, switched, long.classes);
});

test('the CLI exports a fused run: four files beside the model, refused again without --force', () => {
  const env = cliEnv(work);
  const out = path.join(work, 'cli', 'fused.onnx');
  const r = cliSync(work, ['export', sentences.runDir, '--format', 'onnx', '--out', out, '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  const result = jsonLines(r.stdout).find((l) => l.type === 'result')!.result as ExportResult;
  assert.equal(result.path, out);
  const beside = ['fused.tokenizer.json', 'fused.words.tokenizer.json', 'fused.chars.tokenizer.json'];
  assert.deepEqual(
    [result.tokenizerPath, result.wordTokenizerPath, result.charTokenizerPath],
    beside.map((f) => path.join(work, 'cli', f)),
  );
  assert.deepEqual(fs.readdirSync(path.dirname(out)).sort(), [...beside, 'fused.labels.txt', 'fused.onnx'].sort());
  const again = cliSync(work, ['export', sentences.runDir, '--format', 'onnx', '--out', out], env);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /--force/);
});

test('a fused run does not export to Keras or TF.js, by name, and writes nothing', async () => {
  const before = fs.readdirSync(sentences.runDir).sort();
  for (const format of ['keras', 'tfjs'] as const)
    await assert.rejects(exportRun({ runDir: sentences.runDir, format }), /fused model does not export to .*onnx/);
  assert.deepEqual(fs.readdirSync(sentences.runDir).sort(), before);
});
