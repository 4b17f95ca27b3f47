// The text models: the built-in GloVe file (written by npm run build), SIF/max pooling, hashed TF-IDF fitted
// on training texts only, our sparse logistic regression, and the fused model on real sentences.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sotuSentences, spamAssassinBodies } from '../../src/samples/textSets';
import { seededRandom, shuffled } from '../../src/shared/seededRandom';
import { dedupeTexts } from '../../src/shared/text/textExamples';
import { fitGloveState, gloveRow, poolTexts } from '../../src/trainer/text/gloveFeatures';
import { fitLexicalState, LEXICAL_BLOCK, lexicalRow, termCounts } from '../../src/trainer/data/text/lexicalFeatures';
import { fitSparseLogistic, sparseScorer } from '../../src/trainer/text/sparseLogistic';
import { denseRow } from '../../src/trainer/data/text/sparseRows';
import { argmax, fitTextModel, scoreTexts, textFeatures } from '../../src/trainer/text/textHeads';
import { median } from '../../src/shared/stats';
import { FUSED_GLOVE_SCALE, fusedShape, LONG_TEXT_WORDS } from '../../src/shared/text/fusedShape';
import { readTextModel, writeTextModel } from '../../src/trainer/text/textModelFile';
import { builtinWordVectors } from '../../src/trainer/text/wordVectors';

const vectors = builtinWordVectors();
const cosine = (a: Float32Array, b: Float32Array) => {
  let ab = 0,
    aa = 0,
    bb = 0;
  a.forEach((x, i) => ((ab += x * b[i]), (aa += x * x), (bb += b[i] * b[i])));
  return ab / Math.sqrt(aa * bb);
};

describe('built-in word vectors', () => {
  it('holds GloVe 6B in frequency order, accents folded at lookup', () => {
    assert.equal(vectors.count, 341_479);
    assert.equal(vectors.dims, 100);
    assert.equal(vectors.lookup('the'), 0);
    assert.equal(vectors.lookup('qzxqzxnotaword'), -1);
    assert.ok(vectors.lookup('computer') < vectors.lookup('keyboard'));
  });

  it('pools related sentences closer than unrelated ones, identifiers split', () => {
    const texts = [
      'The server crashed with memory errors',
      'outOfMemory exception killed the backend',
      'We love fresh strawberries and cream',
    ];
    const pooled = poolTexts(vectors, texts);
    const state = fitGloveState(pooled.means);
    const rows = texts.map((_, i) => gloveRow(state, pooled.means[i], pooled.maxes[i]));
    assert.ok(cosine(rows[0], rows[1]) > cosine(rows[0], rows[2]) + 0.1);
    assert.ok(Math.abs(Math.hypot(...rows[0]) - 1) < 1e-5);
    // wink's GloVe has no one-letter words (a, i): these sentences avoid them.
    assert.equal(pooled.coverage, 1);
  });
});

describe('lexical features', () => {
  it('fits IDF on the training texts only: a term unseen in training adds nothing', () => {
    const state = fitLexicalState(['disk full', 'disk slow'].map(termCounts));
    const seen = lexicalRow(state, termCounts('disk full'));
    const unseen = lexicalRow(state, termCounts('zebra'));
    assert.ok(seen.idx.length > 0);
    assert.equal(unseen.idx.length, 0);
    // Word and character blocks are each unit length.
    const norm = (lo: number, hi: number) =>
      seen.val.reduce((s, v, k) => s + (seen.idx[k] >= lo && seen.idx[k] < hi ? v * v : 0), 0);
    assert.ok(Math.abs(norm(0, LEXICAL_BLOCK) - 1) < 1e-5);
    assert.ok(Math.abs(norm(LEXICAL_BLOCK, 2 * LEXICAL_BLOCK) - 1) < 1e-5);
  });
});

describe('sparse logistic regression', () => {
  it('separates classes that one column decides, and a stronger penalty keeps weights smaller', () => {
    const x = [denseRow([1, 0.2]), denseRow([1, -0.1]), denseRow([-1, 0.3]), denseRow([-1, 0])];
    const y = [0, 0, 1, 1];
    const loose = fitSparseLogistic(x, y, 2, { c: 100 });
    const tight = fitSparseLogistic(x, y, 2, { c: 0.01 });
    const scorer = sparseScorer(loose);
    assert.deepEqual(
      x.map((r) => argmax(scorer.probabilities(r))),
      y,
    );
    const size = (w: number[]) => Math.hypot(...w);
    assert.ok(size(tight.weights) < size(loose.weights) / 5);
  });
});

describe('text models on real sentences (State of the Union, by party)', () => {
  it('every model beats chance by a margin on held-out sentences; the fused model saves and reads back', () => {
    const all = dedupeTexts(sotuSentences()).examples;
    const classes = ['Democratic', 'Democratic-Republican', 'Republican'];
    const random = seededRandom(7);
    const pools = classes.map((c) =>
      shuffled(
        all.filter((e) => e.label === c),
        random,
      ),
    );
    const train = pools.flatMap((p) => p.slice(0, 60));
    const test = pools.flatMap((p) => p.slice(60, 160));
    const trainF = textFeatures(
      vectors,
      train.map((e) => e.text),
    );
    const testF = textFeatures(
      vectors,
      test.map((e) => e.text),
    );
    const y = train.map((e) => classes.indexOf(e.label));
    const testY = test.map((e) => classes.indexOf(e.label));
    for (const kind of ['fused', 'lexical', 'glove', 'tuned'] as const) {
      const model = fitTextModel(kind, trainF, y, classes.length);
      const accuracy = scoreTexts(model, testF).filter((p, i) => argmax(p) === testY[i]).length / test.length;
      assert.ok(accuracy > 0.45, `${kind}: ${accuracy}`);
      if (kind !== 'fused') continue;
      // One head over both rows: weights on n-gram columns and on the 200 GloVe columns after them.
      const columns = model.fused!.head.columns;
      assert.equal(columns.filter((c) => c >= 2 * LEXICAL_BLOCK).length, 2 * vectors.dims);
      assert.ok(columns.filter((c) => c < 2 * LEXICAL_BLOCK).length > 1000);
      // Sentences are short: GloVe's row at its full length, terms counted sublinearly unless cross-validation
      // on the training sentences preferred counting each once.
      assert.equal(model.gloveWeight, FUSED_GLOVE_SCALE);
      assert.equal(model.fused!.binary, model.fused!.weighting!.switched);
      // Saved and read back, it scores the same (its IDF kept for the head's lexical columns only, its training
      // n-grams as text: the test texts' unseen ones drop out after the read as before it).
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-fused-'));
      writeTextModel(
        dir,
        classes,
        model,
        train.map((e) => e.text),
      );
      const read = readTextModel(dir).model;
      fs.rmSync(dir, { recursive: true, force: true });
      const [a, b] = [scoreTexts(model, testF), scoreTexts(read, testF)];
      a.forEach((p, i) => p.forEach((v, c) => assert.ok(Math.abs(v - b[i][c]) < 1e-5)));
    }
  });
});

describe('the fused model on long texts (SpamAssassin e-mails)', () => {
  it('counts each term once unless cross-validation says otherwise, shrinks the GloVe row, reads back the same', () => {
    const mails = spamAssassinBodies().filter((e) => e.text.split(/\s+/).length > 2 * LONG_TEXT_WORDS);
    const pick = (label: string) => mails.filter((e) => e.label === label).slice(0, 30);
    const [train, test] = [0, 1].map((half) =>
      ['ham', 'spam'].flatMap((label) => pick(label).slice(half * 15, half * 15 + 15)),
    );
    const [trainF, testF] = [train, test].map((set) =>
      textFeatures(
        vectors,
        set.map((e) => e.text),
      ),
    );
    const y = train.map((e) => (e.label === 'spam' ? 1 : 0));
    const model = fitTextModel('fused', trainF, y, 2);
    const shape = fusedShape(median(trainF.tokens.map((t) => t.length)));
    assert.ok(shape.binary && shape.scale < FUSED_GLOVE_SCALE, JSON.stringify(shape));
    const { weighting } = model.fused!;
    assert.ok(weighting, 'cross-validated: 15 texts per class make 5 folds');
    const binary = weighting.switched ? !shape.binary : shape.binary;
    assert.deepEqual({ binary: model.fused!.binary, scale: model.fused!.scale }, { ...shape, binary });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-fused-long-'));
    writeTextModel(
      dir,
      ['ham', 'spam'],
      model,
      train.map((e) => e.text),
    );
    const read = readTextModel(dir).model;
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(read.fused!.binary, binary);
    const [a, b] = [scoreTexts(model, testF), scoreTexts(read, testF)];
    a.forEach((p, i) => p.forEach((v, c) => assert.ok(Math.abs(v - b[i][c]) < 1e-5)));
    // Binary weighting is a different row from the sublinear one whenever a term repeats.
    const state = fitLexicalState(trainF.counts);
    const [sub, bin] = (['sublinear', 'binary'] as const).map((w) => lexicalRow(state, trainF.counts[0], w));
    assert.notDeepEqual(sub.val, bin.val);
  });

  it('lets cross-validation overrule the length rule where only how often a term repeats tells the classes', () => {
    // Long texts made of two units with the same words and the same word pairs (so the same n-grams, and the
    // same GloVe mean: alpha and omega equally often, the made-up word has no vector), repeated a varying number
    // of times; class 1's unit holds the made-up word five times as often. Counted once, every text is the same
    // row; counted sublinearly, the classes differ. The rule says binary (long texts); cross-validation must not.
    const random = seededRandom(3);
    const U = 'alpha zqxwvkj omega zqxwvkj alpha alpha omega omega';
    const V = `${'alpha zqxwvkj omega zqxwvkj '.repeat(5)}alpha alpha omega omega`;
    const text = (unit: string, from: number) =>
      Array<string>(from + Math.floor(random() * 4))
        .fill(unit)
        .join(' ');
    const texts = [...Array.from({ length: 20 }, () => text(U, 13)), ...Array.from({ length: 20 }, () => text(V, 5))];
    const y = texts.map((_, i) => (i < 20 ? 0 : 1));
    const features = textFeatures(vectors, texts);
    assert.equal(fusedShape(median(features.tokens.map((t) => t.length))).binary, true);
    const model = fitTextModel('fused', features, y, 2);
    const w = model.fused!.weighting!;
    assert.ok(w.switched && w.otherLoss < w.ruleLoss, JSON.stringify(w));
    assert.equal(model.fused!.binary, false);
    // One text of a class leaves no fold to hold it out: the rule alone, and the model says so.
    const single = textFeatures(vectors, texts.slice(19, 22));
    const one = fitTextModel('fused', single, [0, 1, 1], 2);
    assert.equal(one.fused!.weighting, undefined);
    assert.equal(one.fused!.binary, true);
  });

  it('keeps sentences as they were: full GloVe row, sublinear counts', () => {
    assert.deepEqual(fusedShape(27), { scale: FUSED_GLOVE_SCALE, binary: false });
    assert.deepEqual(fusedShape(median([])), { scale: FUSED_GLOVE_SCALE, binary: false });
    assert.equal(median([5, 1, 9, 3]), 4);
  });
});
