// A second kind of data that exists only in the tests (test/helpers/sequenceKind.ts: token ids + a mask, the
// shape text has) registers through the data-kind seam and goes through the engine's generic parts: the batch
// source, the fit loop and scoring; a saved run's inference (evaluate, predict); the feature cache and the
// frozen runtime with two inputs; cost measurement; the learnability and batch memory checks.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { neverCancelled } from '../../src/shared/engineError';
import { RUN_INFO_VERSION, type RunInfo } from '../../src/shared/runFiles';
import { stratifiedSplit } from '../../src/shared/split';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { SkipList } from '../../src/trainer/data/batchStream';
import { dataKind, registerKind } from '../../src/trainer/data/kinds/registry';
import { splitBelowTrainable } from '../../src/trainer/models/frozenSplit';
import { saveLayersModel, writeJsonAtomic } from '../../src/trainer/models/modelFiles';
import * as tf from '../../src/trainer/tf';
import { exampleSource } from '../../src/trainer/train/batchSources';
import { featuresAtCut } from '../../src/trainer/train/featureCache';
import { compileForTraining, fit } from '../../src/trainer/train/fitLoop';
import { checkLearnable } from '../../src/trainer/train/learnable';
import { measureCosts } from '../../src/trainer/train/measureCosts';
import { scoreExamples } from '../../src/trainer/train/predictions';
import { checkBatchBytes } from '../../src/trainer/train/runFileChecks';
import { evaluateRun, predictEach } from '../../src/trainer/train/runInference';
import { tempDir } from '../helpers/fixtures';
import {
  LENGTH,
  sequenceKind,
  sequenceModel,
  VOCABULARY,
  writeSequenceData,
  type SequenceInput,
} from '../helpers/sequenceKind';

const work = tempDir('sequence-kind');
after(() => fs.rmSync(work, { recursive: true, force: true }));

const input: SequenceInput = { kind: 'test-sequence', maxLength: LENGTH, vocabulary: VOCABULARY };
const bad = () => path.join(work, 'data', 'low', 'bad.txt');

async function setUp() {
  await initBackend('cpu');
  registerKind(sequenceKind);
  const kind = dataKind(input);
  const data = fs.existsSync(path.join(work, 'data')) ? path.join(work, 'data') : writeSequenceData(work);
  const scan = await kind.list(data);
  const split = stratifiedSplit(scan.classes, { validationSplit: 0.25, testSplit: 0, seed: 3 });
  return { kind, data, scan, split };
}

test('a test-only sequence kind (token ids + mask) trains end to end through the data-kind seam', async () => {
  const { kind, data, split } = await setUp();
  assert.equal(kind, sequenceKind);
  assert.throws(() => dataKind({ kind: 'no-such-kind' }), /cannot read "no-such-kind" data/);
  const skips = new SkipList();
  const model = sequenceModel();
  compileForTraining(model, 0.05);
  const source = (samples: typeof split.train) => exampleSource(kind, input, samples, 2, 8, 3, skips);
  const { history } = await fit({
    model,
    which: 'transfer',
    phase: 1,
    epochs: 15,
    learningRate: 0.05,
    patience: 0,
    train: source(split.train),
    validation: source(split.validation),
    signal: neverCancelled,
    emit: () => {},
    afterEpoch: async () => '',
  });
  assert.equal(history.length, 15);
  assert.ok(history[14].loss < history[0].loss, `loss ${history[0].loss} → ${history[14].loss}`);
  const scored = await scoreExamples(model, kind, input, split.validation, 2, 8, skips, neverCancelled);
  const correct = scored.filter((s) => (s.probs[s.label] ?? 0) > 0.5).length;
  assert.ok(correct / scored.length >= 0.9, `validation accuracy ${correct}/${scored.length}`);
  // The unreadable example was skipped with its reason, wherever the split put it.
  if ([...split.train, ...split.validation].some((s) => s.path === bad()))
    assert.deepEqual(
      skips.entries.map((e) => e.path),
      [bad()],
    );

  // A saved run of this kind: evaluate and predict find its module from run.json's input.
  const runDir = path.join(work, 'run');
  await saveLayersModel(model, runDir);
  const info: RunInfo = {
    version: RUN_INFO_VERSION,
    created: new Date().toISOString(),
    status: 'finished',
    mode: 'transfer',
    base: 'test',
    classes: ['high', 'low'],
    input: input as unknown as RunInfo['input'],
    backend: 'test',
  };
  writeJsonAtomic(path.join(runDir, 'run.json'), info);
  const logs: string[] = [];
  const evaluation = await evaluateRun(runDir, data, neverCancelled, (e) => {
    if (e.kind === 'log') logs.push(e.message);
  });
  assert.ok(evaluation.accuracy >= 0.9, `accuracy ${evaluation.accuracy} on the whole folder`);
  assert.ok(logs.some((l) => l.includes(bad()) && l.includes('outside the vocabulary')));
  const [high, low] = ['high', 'low'].map((c) => path.join(data, c, '0.txt'));
  const outcomes = await predictEach(runDir, [high, bad(), low]);
  assert.deepEqual(
    outcomes.map((o) => ('label' in o ? o.label : o.error)),
    ['high', 'a token id is outside the vocabulary', 'low'],
  );
  model.dispose();
});

test('the feature cache, a two-input frozen part and cost measurement go through the data-kind seam', async () => {
  const { kind, split } = await setUp();
  const model = sequenceModel();
  // Everything below the dense layer frozen: the bottom takes both inputs and hands the pooled vector on.
  model.layers.forEach((l) => (l.trainable = l.getClassName() === 'Dense'));
  const part = splitBelowTrainable(model);
  assert.ok(part, 'the pooled vector separates the frozen bottom from the dense top');
  assert.equal(part.bottom.inputs.length, 2);
  const samples = [...split.train, ...split.validation];
  const cut = { model: part.bottom, baseKey: 'test', layer: part.boundary, pooling: part.pooling, input };
  const options = { cacheDir: path.join(work, 'cache'), samples, batchSize: 8, signal: neverCancelled };
  const logs: string[] = [];
  const extract = (c: typeof cut) =>
    featuresAtCut(c, { ...options, skips: new SkipList(), emit: (e) => e.kind === 'log' && logs.push(e.message) });
  const first = await extract(cut);
  const decodable = samples.filter((s) => s.path !== bad()).length;
  assert.deepEqual([first.hits, first.misses, first.features.size], [0, samples.length, decodable]);
  // A two-input part has no ONNX form here: it runs on tfjs, and says why.
  assert.match(first.runtime ?? '', /tfjs/);
  // Each stored vector is the bottom's output for that example.
  const some = samples.filter((s) => s.path !== bad()).slice(0, 3);
  const decoded = await kind.decode(some, input, new SkipList());
  const xs = decoded.inputs.map((a) => tf.tensor(a.data, a.shape, a.dtype));
  const direct = part.bottom.predict(xs) as tf.Tensor;
  const rows = (await direct.array()) as number[][];
  some.forEach((s, i) =>
    Array.from(first.features.get(s.path)!).forEach((v, j) => assert.ok(Math.abs(v - rows[i][j]) < 1e-6)),
  );
  tf.dispose([...xs, direct]);

  const again = await extract(cut);
  // Every decodable example comes from the cache; the unreadable one is tried again (nothing is stored for it).
  const missed = samples.length - decodable;
  assert.deepEqual([again.hits, again.misses, again.folder], [decodable, missed, first.folder]);
  // The kind's key parts are in the cache key: another vocabulary is another folder, computed afresh.
  const other = await extract({ ...cut, input: { ...input, vocabulary: VOCABULARY + 1 } });
  assert.notEqual(other.folder, first.folder);
  assert.equal(other.misses, samples.length);

  const costs = await measureCosts(part, { input, recipe: { batchSize: 8 }, split, classes: 2 }, true);
  assert.ok(costs.bottomSecondsPerImage >= 0 && costs.stepSeconds >= 0 && costs.topSecondsPerImage >= 0);
  model.dispose();
});

test('the batch memory and learnability checks speak of the kind', async () => {
  const { kind, split } = await setUp();
  assert.throws(
    () => checkBatchBytes(kind, input, 2 ** 30, 'the test model'),
    /batch of 1073741824 sequences at 6 tokens/,
  );
  await checkLearnable(kind, input, split, ['high', 'low'], new SkipList());
  // A class whose only training example cannot be read stops the run, in the kind's words.
  const onlyBad = { ...split, train: [...split.train.filter((s) => s.label === 0), { path: bad(), label: 1 }] };
  await assert.rejects(
    checkLearnable(kind, input, onlyBad, ['high', 'low'], new SkipList()),
    /no usable training sequences in class "low" \(0 of 1 training sequences decode\)/,
  );
});
