// GloVe fine-tuned (an Embedding over the training words, masked mean, head; frozen, then tuned with L2-SP)
// on real sentences: only the rows of training words move, the penalty holds them near GloVe, tuning helps
// over the frozen start, and the model survives its run-folder file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { sotuSentences } from '../../src/samples/textSets';
import { seededRandom, shuffled } from '../../src/shared/seededRandom';
import { dedupeTexts } from '../../src/shared/text/textExamples';
import { wordTokens } from '../../src/shared/text/textTokens';
import { rankWords, wordIds } from '../../src/trainer/data/text/textVocabulary';
import { argmax, fitTextModel, scoreTexts, textFeatures } from '../../src/trainer/text/textHeads';
import { readTextModel, writeTextModel } from '../../src/trainer/text/textModelFile';
import { fitTuned, gloveTable, idsOf, scoreTuned } from '../../src/trainer/text/tunedEmbedding';
import { builtinWordVectors } from '../../src/trainer/text/wordVectors';
import { tempDir } from '../helpers/fixtures';

const vectors = builtinWordVectors();
const classes = ['Democratic', 'Democratic-Republican', 'Republican'];
const random = seededRandom(11);
const all = dedupeTexts(sotuSentences()).examples;
const pools = classes.map((c) =>
  shuffled(
    all.filter((e) => e.label === c),
    random,
  ),
);
const train = pools.flatMap((p) => p.slice(0, 60));
const test = pools.flatMap((p) => p.slice(60, 260));
const y = train.map((e) => classes.indexOf(e.label));
const testY = test.map((e) => classes.indexOf(e.label));
const words = rankWords(train.map((e) => wordTokens(e.text)));
const ids = idsOf(
  wordIds(words),
  train.map((e) => wordTokens(e.text)),
  400,
);
const testIds = idsOf(
  wordIds(words),
  test.map((e) => wordTokens(e.text)),
  400,
);
const start = gloveTable(vectors, words);
const accuracy = (probs: Float64Array[]) => probs.filter((p, i) => argmax(p) === testY[i]).length / test.length;
const distance = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0));
const work = tempDir('text-tuned');
after(() => fs.rmSync(work, { recursive: true, force: true }));

describe('GloVe fine-tuned with L2-SP', () => {
  const frozen = fitTuned(words, start, vectors.dims, ids, y, 3, { tunedEpochs: 0 });
  const tuned = fitTuned(words, start, vectors.dims, ids, y, 3, { alpha: 0 });
  // Trained on every other sentence: the words only the others use keep their GloVe vectors.
  const even = (_: unknown, i: number) => i % 2 === 0;
  const half = fitTuned(words, start, vectors.dims, ids.filter(even), y.filter(even), 3, { alpha: 0 });
  const held = fitTuned(words, start, vectors.dims, ids, y, 3, { alpha: 10 });

  it('starts from GloVe and moves only the rows of the words it was trained on', () => {
    assert.equal(distance(frozen.table, start), 0);
    const unknown = idsOf(wordIds(words), [['the'], ['xqzvbnm']], 1);
    assert.deepEqual([...unknown.map((t) => t[0])], [words.indexOf('the') + 2, 1]);
    const row = (t: Float32Array, id: number) => t.subarray(id * vectors.dims, (id + 1) * vectors.dims);
    assert.ok(
      row(half.table, 0).every((x) => x === 0),
      'padding stays zero',
    );
    const moved = new Set(ids.filter(even).flatMap((t) => [...t]));
    assert.ok(moved.size < words.length, 'some words are in the other half only');
    for (let id = 0; id < words.length + 2; id++) {
      const d = distance(row(half.table, id), row(start, id));
      assert.equal(d > 0, moved.has(id), `row ${id} (${words[id - 2]})`);
    }
  });

  it('the L2-SP penalty holds the vectors near GloVe', () => {
    assert.ok(distance(held.table, start) < distance(tuned.table, start) / 2);
  });

  it('tuning beats the frozen start on held-out sentences', () => {
    const a = accuracy(scoreTuned(tuned, testIds));
    assert.ok(a > accuracy(scoreTuned(frozen, testIds)), String(a));
    assert.ok(a > 0.45, String(a));
  });

  it('as a text model, scores the same after its run-folder file is read back', () => {
    const features = textFeatures(
      vectors,
      train.map((e) => e.text),
    );
    const testFeatures = textFeatures(
      vectors,
      test.slice(0, 40).map((e) => e.text),
    );
    const model = fitTextModel('tuned', features, y, 3, 1);
    writeTextModel(
      work,
      classes,
      model,
      train.map((e) => e.text),
    );
    const read = readTextModel(work);
    assert.equal(read.model.kind, 'tuned');
    assert.deepEqual(scoreTexts(read.model, testFeatures), scoreTexts(model, testFeatures));
  });
});
