// The recipe's text options in the engine: text.pooling (the GloVe row of the glove and fused models) and
// text.vocabularySize (the tuned model's Embedding), on real sentences; a model saved with them scores the
// same when read back, and a model file naming an unknown pooling is refused by name.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { sotuSentences } from '../../src/samples/textSets';
import { dedupeTexts } from '../../src/shared/text/textExamples';
import { TEXT_MODEL_FILE } from '../../src/shared/text/textFiles';
import { fitGloveState, gloveRow, poolTexts } from '../../src/trainer/text/gloveFeatures';
import { LEXICAL_BLOCK } from '../../src/trainer/data/text/lexicalFeatures';
import { fitTextModel, scoreTexts, textFeatures } from '../../src/trainer/text/textHeads';
import { readTextModel, writeTextModel } from '../../src/trainer/text/textModelFile';
import { builtinWordVectors } from '../../src/trainer/text/wordVectors';

const vectors = builtinWordVectors();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-text-options-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const CLASSES = ['Democratic', 'Republican'];
const all = dedupeTexts(sotuSentences()).examples.filter((e) => CLASSES.includes(e.label));
const train = CLASSES.flatMap((c) => all.filter((e) => e.label === c).slice(0, 40));
const held = CLASSES.flatMap((c) => all.filter((e) => e.label === c).slice(40, 60));
const features = textFeatures(
  vectors,
  train.map((e) => e.text),
);
const heldFeatures = textFeatures(
  vectors,
  held.map((e) => e.text),
);
const labels = train.map((e) => CLASSES.indexOf(e.label));
const trainTexts = train.map((e) => e.text);

test('pooling mean: the row is the mean half of mean+max, alone and at unit length', () => {
  const pooled = poolTexts(vectors, ['The budget deficit grew while taxes were cut']);
  const state = fitGloveState(features.pooled.means);
  const both = gloveRow(state, pooled.means[0], pooled.maxes[0]);
  const mean = gloveRow({ ...state, pooling: 'mean' }, pooled.means[0], pooled.maxes[0]);
  assert.equal(both.length, 2 * vectors.dims);
  assert.equal(mean.length, vectors.dims);
  assert.ok(Math.abs(Math.hypot(...mean) - 1) < 1e-5);
  // mean+max keeps each half at length 1/√2: the mean half is the same direction.
  mean.forEach((x, d) => assert.ok(Math.abs(x - both[d] * Math.SQRT2) < 1e-5, `dimension ${d}`));
});

test('the fused and glove models pooled by the mean weigh one GloVe width, and read back the same', () => {
  for (const kind of ['fused', 'glove'] as const) {
    const model = fitTextModel(kind, features, labels, CLASSES.length, 0, { pooling: 'mean' });
    const head = model.fused?.head ?? model.glove!.head;
    const gloveColumns = kind === 'fused' ? head.columns.filter((c) => c >= 2 * LEXICAL_BLOCK) : head.columns;
    assert.equal(gloveColumns.length, vectors.dims, kind);
    const folder = path.join(dir, kind);
    fs.mkdirSync(folder);
    writeTextModel(folder, CLASSES, model, trainTexts);
    const read = readTextModel(folder).model;
    assert.equal(read.fused?.glove.pooling ?? read.glove?.state.pooling, 'mean', kind);
    const [a, b] = [scoreTexts(model, heldFeatures), scoreTexts(read, heldFeatures)];
    a.forEach((p, i) => p.forEach((v, c) => assert.ok(Math.abs(v - b[i][c]) < 1e-5, `${kind} text ${i}`)));
  }
});

test('vocabularySize caps the tuned Embedding at the most frequent words of the training split', () => {
  const full = fitTextModel('tuned', features, labels, CLASSES.length, 0).tuned!;
  const capped = fitTextModel('tuned', features, labels, CLASSES.length, 0, { vocabularySize: 100 }).tuned!;
  assert.ok(full.words.length > 100, `${full.words.length} words`);
  assert.deepEqual(capped.words, full.words.slice(0, 100));
  assert.equal(capped.table.length, (capped.words.length + 2) * capped.dims);
});

test('a text model file naming an unknown pooling is refused with the file named', () => {
  const folder = path.join(dir, 'odd');
  fs.mkdirSync(folder);
  writeTextModel(folder, CLASSES, fitTextModel('glove', features, labels, CLASSES.length), trainTexts);
  const file = path.join(folder, TEXT_MODEL_FILE);
  const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
  fs.writeFileSync(file, JSON.stringify({ ...stored, glove: { ...stored.glove, pooling: 'median' } }));
  assert.throws(() => readTextModel(folder), { message: `${file}: unknown pooling "median".` });
});
