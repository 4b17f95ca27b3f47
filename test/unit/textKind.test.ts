// The text kind on the data-kind seam: it lists a folder of class subfolders of .txt files, fits its
// vocabulary on the training split only (so the split is in the cache key), decodes ids and a mask, and its
// from-scratch baseline (a bag of embeddings) trains through the engine's generic batch source and fit loop.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { stratifiedSplit, type Sample } from '../../src/shared/split';
import { defaultTextInput } from '../../src/shared/text/textInput';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { SkipList } from '../../src/trainer/data/batchStream';
import { dataKind } from '../../src/trainer/data/kinds/registry';
import { textKind } from '../../src/trainer/data/kinds/text';
import { FIRST_WORD_ID, PAD_ID, UNKNOWN_ID, vocabularyOf } from '../../src/trainer/data/text/textVocabulary';
import { exampleSource } from '../../src/trainer/train/batchSources';
import { compileForTraining, fit } from '../../src/trainer/train/fitLoop';
import { scoreExamples } from '../../src/trainer/train/predictions';
import { tempDir } from '../helpers/fixtures';

const work = tempDir('text-kind');
after(() => fs.rmSync(work, { recursive: true, force: true }));

const WEATHER = ['rain', 'snow', 'wind', 'storm', 'cloud', 'sunny'];
const FOOD = ['bread', 'cheese', 'apple', 'soup', 'rice', 'pasta'];

/** Two classes of three-to-six-word texts, one word list each, plus a file that is not UTF-8. */
function writeData(): string {
  let seed = 11;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (const [name, words] of [
    ['food', FOOD],
    ['weather', WEATHER],
  ] as const) {
    fs.mkdirSync(path.join(work, 'data', name), { recursive: true });
    for (let i = 0; i < 30; i++) {
      const n = 3 + Math.floor(random() * 4);
      const text = Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(' ');
      fs.writeFileSync(path.join(work, 'data', name, `${i}.txt`), `${text} ${i}`);
    }
  }
  fs.writeFileSync(path.join(work, 'data', 'food', 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  return path.join(work, 'data');
}

test('the text kind lists, fits on the training split, decodes ids + mask, and its baseline trains', async () => {
  await initBackend('cpu');
  const kind = dataKind(defaultTextInput(8));
  assert.equal(kind, textKind);
  const scan = await kind.list(writeData());
  assert.deepEqual(
    scan.classes.map((c) => [c.name, c.files.length, c.texts?.length]),
    [
      ['food', 30, 30],
      ['weather', 30, 30],
    ],
  );
  assert.match(scan.skipped.map((s) => `${s.path}: ${s.reason}`).join('\n'), /latin1\.txt: not UTF-8/);

  const split = stratifiedSplit(scan.classes, { validationSplit: 0.3, testSplit: 0, seed: 5 });
  const spec = await kind.fit(defaultTextInput(8), split.train);
  // Fitted on the training split only: another split gives another vocabulary, hence another cache key.
  const other = stratifiedSplit(scan.classes, { validationSplit: 0.3, testSplit: 0, seed: 6 });
  const otherSpec = await kind.fit(defaultTextInput(8), other.train);
  assert.notDeepEqual(kind.cacheKeyParts(spec), kind.cacheKeyParts(otherSpec));
  const vocabulary = vocabularyOf(spec.tokenizer.vocabularyKey);
  const trainWords = new Set(split.train.flatMap((s) => s.text!.split(' ')));
  assert.deepEqual(new Set(vocabulary.words), trainWords);

  // Ids: known words from FIRST_WORD_ID, a word of no training text is UNKNOWN_ID, padding is PAD_ID (mask 0).
  const skips = new SkipList();
  const probe: Sample[] = [
    { path: 'a', label: 0, text: `${vocabulary.words[0]} zebra` },
    { path: 'b', label: 1, text: 'rain '.repeat(20) },
  ];
  const batch = await kind.decode(probe, spec, skips);
  assert.deepEqual(
    batch.inputs.map((a) => [a.name, a.shape]),
    [
      ['ids', [2, 8]],
      ['mask', [2, 8]],
    ],
  );
  const [ids, mask] = batch.inputs.map((a) => [...a.data]);
  assert.deepEqual(ids.slice(0, 3), [FIRST_WORD_ID, UNKNOWN_ID, PAD_ID]);
  assert.deepEqual(mask.slice(0, 8), [1, 1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(mask.slice(8), new Array(8).fill(1), 'a long text is cut at maxLength');
  assert.equal(await kind.exampleKey(probe[0]), await kind.exampleKey({ ...probe[0], path: 'elsewhere' }));

  const [baseline] = await kind.baselines(split.train, spec, 2, 1);
  assert.match(baseline.name, /bag of embeddings/);
  const model = baseline.build();
  compileForTraining(model, 0.05);
  const source = (samples: Sample[]) => exampleSource(kind, spec, samples, 2, 8, 3, skips);
  await fit({
    model,
    which: 'transfer',
    phase: 1,
    epochs: 20,
    learningRate: 0.05,
    patience: 0,
    train: source(split.train),
    validation: source(split.validation),
    signal: { isCancellationRequested: false },
    emit: () => {},
    afterEpoch: async () => '',
  });
  const scored = await scoreExamples(model, kind, spec, split.validation, 2, 8, skips, {
    isCancellationRequested: false,
  });
  const correct = scored.filter((s) => (s.probs[s.label] ?? 0) > 0.5).length;
  assert.ok(correct / scored.length >= 0.9, `validation accuracy ${correct}/${scored.length}`);
  model.dispose();
});
