// A text model's layers (src/shared/text/textLayers.ts) from real runs on State of the Union sentences, and
// the fine-tuned model's Embedding toggle: frozen, the saved table is GloVe's own; unfrozen, it moved.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { textLayers } from '../../src/shared/text/textLayers';
import type { TextRunResult } from '../../src/shared/text/textProtocol';
import { readTextModel } from '../../src/trainer/text/textModelFile';
import { trainText } from '../../src/trainer/text/textRun';
import { gloveTable } from '../../src/trainer/text/tunedEmbedding';
import { builtinWordVectors } from '../../src/trainer/text/wordVectors';
import { tempDir } from '../helpers/fixtures';
import { partyRows } from '../helpers/textTables';

const work = tempDir('text-layers');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const source = path.join(work, 'speeches');
partyRows(['Democratic', 'Republican'], 30, 5).forEach((e, i) => {
  fs.mkdirSync(path.join(source, e.label), { recursive: true });
  fs.writeFileSync(path.join(source, e.label, `${i}.txt`), e.text);
});
const vectors = builtinWordVectors();

function train(model: 'tuned' | 'fused' | 'lexical', freezeEmbedding?: boolean): TextRunResult {
  const outputDir = path.join(work, `runs-${model}-${freezeEmbedding}`);
  const params = { source, columns: {}, model, outputDir, seed: 3, validationSplit: 0.25, testSplit: 0 };
  return trainText({ ...params, freezeEmbedding }, () => undefined);
}

describe('the fine-tuned model: tokenizer, Embedding, pooling, head; the Embedding freezes', () => {
  const frozen = train('tuned', true);
  const tuned = train('tuned', false);

  it('frozen, the saved Embedding is GloVe exactly; unfrozen, it moved from GloVe', () => {
    const kept = readTextModel(frozen.runDir).model.tuned!;
    const start = gloveTable(vectors, kept.words);
    assert.deepEqual(kept.table, start);
    const moved = readTextModel(tuned.runDir).model.tuned!;
    const from = gloveTable(vectors, moved.words);
    const changed = moved.table.filter((v, i) => v !== from[i]).length;
    console.log(`unfrozen: ${changed} of ${moved.table.length} Embedding values moved from GloVe`);
    assert.ok(changed > 0);
  });

  it('the run records its layers; the Embedding is the one toggle, trainable as the run trained it', () => {
    const words = readTextModel(frozen.runDir).model.tuned!.words.length;
    assert.deepEqual(
      { ...frozen.layers, vectors: undefined },
      { kind: 'tuned', classes: 2, gloveWeight: 1, vectors: undefined, tunedWords: words, embeddingFrozen: true },
    );
    assert.equal(tuned.layers?.embeddingFrozen, false);
    const layers = textLayers(frozen.layers!, true);
    assert.deepEqual(
      layers.map((l) => [l.name, l.trainable, l.freezable]),
      [
        ['Tokenizer', false, false],
        ['Embedding', false, true],
        ['Pooling', false, false],
        ['Head', true, false],
      ],
    );
    assert.equal(layers[1].parameters, (words + 2) * vectors.dims);
    assert.equal(layers[3].parameters, 2 * vectors.dims + 2);
    assert.equal(textLayers(frozen.layers!, false)[1].trainable, true);
    // The run's text-run.json keeps the same facts.
    const record = JSON.parse(fs.readFileSync(path.join(frozen.runDir, 'text-run.json'), 'utf8'));
    assert.deepEqual(record.layers, frozen.layers);
  });
});

describe('the frozen-feature models', () => {
  it('fused lists the parts it kept, each head sized by the columns it weighs, then the fusion', () => {
    const run = train('fused');
    const { model } = readTextModel(run.runDir);
    const layers = textLayers(run.layers!, false);
    assert.ok(layers.every((l) => !l.freezable));
    assert.equal(layers.at(-1)!.name, 'Fusion');
    const heads = layers.filter((l) => l.name.endsWith('Head'));
    const expected = [model.glove, model.lexical].filter(Boolean).map((p) => p!.head.columns.length * 2 + 2);
    assert.deepEqual(
      heads.map((l) => l.parameters),
      expected,
    );
    assert.equal(heads.length, (model.gloveWeight > 0 ? 1 : 0) + (model.gloveWeight < 1 ? 1 : 0));
  });

  it('lexical: tokenizer, TF-IDF and the sparse head; nothing trains but the head', () => {
    const run = train('lexical');
    const layers = textLayers(run.layers!, true);
    assert.deepEqual(
      layers.map((l) => [l.name, l.trainable]),
      [
        ['Tokenizer', false],
        ['TF-IDF', false],
        ['Head', true],
      ],
    );
    const columns = readTextModel(run.runDir).model.lexical!.head.columns.length;
    assert.equal(layers[2].parameters, 2 * columns + 2);
  });
});
