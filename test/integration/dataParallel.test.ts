// Data-parallel steps (a worker thread with a replica of the top computes half of each batch) must be the
// same training as the one-thread step: the same update up to float32 rounding, a replica holding exactly the
// weights it was sent, and the same validation accuracy within noise on a real fit.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { neverCancelled } from '../../src/shared/engineError';
import { resolveFreezePlan } from '../../src/shared/freezePlan';
import { imageInput } from '../../src/shared/inputSpec';
import { DEFAULT_BASE } from '../../src/shared/recipeDefaults';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { SkipList } from '../../src/trainer/data/batchStream';
import { loadBase } from '../../src/trainer/models/baseModel';
import { splitBelowTrainable, type FrozenSplit } from '../../src/trainer/models/frozenSplit';
import { buildSourceCnn } from '../../src/trainer/models/sourceCnn';
import { buildTransferModel } from '../../src/trainer/models/transferModel';
import { TrainPool } from '../../src/trainer/parallel/trainPool';
import * as tf from '../../src/trainer/tf';
import { activationsBelowTop } from '../../src/trainer/train/cachedTop';
import { compileForTraining, fit, type FitOptions } from '../../src/trainer/train/fitLoop';
import { fitDataParallel } from '../../src/trainer/train/parallelFit';
import { tempDir } from '../helpers/fixtures';
import { digitSamples } from '../helpers/smallData';

/**
 * Max |parallel − one thread| / max |weight| per variable after 3 SGD steps. The two paths sum a batch's
 * gradients in a different order (two halves, then weighted), so they differ by float32 rounding (~1e-7);
 * a half counted twice, or a wrong weighting, moves weights by the learning rate times the gradient (≳1e-3).
 */
const TOLERANCE = 1e-5;
const STEPS = 3;
// 50 validation images: the two runs may differ by a few images through float32 order and dropout masks.
const NOISE = 0.1;

function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0,
    scale = 0;
  b.forEach((v, i) => {
    diff = Math.max(diff, Math.abs(a[i] - v));
    scale = Math.max(scale, Math.abs(v));
  });
  return diff / Math.max(scale, 1e-12);
}

const read = (model: tf.LayersModel) => Promise.all(model.trainableWeights.map(async (w) => w.read().data()));

test('a data-parallel step on the top of MobileNetV2 is the one-thread step; the replica holds what it was sent', async () => {
  await initBackend('wasm');
  const base = await loadBase(DEFAULT_BASE, tempDir('parallel-base'));
  const plan = resolveFreezePlan(base.description.layers, { freezeUpTo: 'block_14_add' }, 'out_relu');
  const tm = buildTransferModel(base.model, plan, { pooling: 'avg' }, 3, 1);
  const part = splitBelowTrainable(tm.full);
  assert.ok(part, 'block_14_add separates the frozen bottom from the top');
  const model = part.top;
  const start = model.getWeights().map((w) => w.clone());
  const x = tf.randomUniform([16, ...(model.inputs[0].shape.slice(1) as number[])], 0, 4, 'float32', 3);
  const y = tf.cast(
    tf.oneHot(
      tf.tensor1d(
        [...Array(16).keys()].map((i) => i % 3),
        'int32',
      ),
      3,
    ),
    'float32',
  );
  const pool = await TrainPool.start(model, 1);
  assert.ok(pool, 'the worker starts and builds a replica with the same trainable weights');
  try {
    compileForTraining(model, 0.01, 'sgd');
    let sent: Float32Array[] = [];
    for (let i = 0; i < STEPS; i++) {
      sent = (await read(model)) as Float32Array[];
      await pool.step(x, y);
    }
    const parallel = await read(model);
    const replica = await pool.replicaWeights();
    replica.forEach((w, i) => assert.deepEqual(w, sent[i], `replica weight ${i} differs from what it was sent`));
    assert.ok(
      parallel.some((w, i) => relativeError(w as Float32Array, sent[i]) > 0),
      'the last step changed weights',
    );

    model.setWeights(start);
    compileForTraining(model, 0.01, 'sgd');
    for (let i = 0; i < STEPS; i++) await model.trainOnBatch(x, y);
    const single = await read(model);
    const errors = single.map((w, i) => relativeError(parallel[i] as Float32Array, w as Float32Array));
    console.log(`max relative error, parallel vs one thread, after ${STEPS} steps: ${Math.max(...errors)}`);
    errors.forEach((err, i) => assert.ok(err < TOLERANCE, `${model.trainableWeights[i].name}: relative error ${err}`));
  } finally {
    await pool.dispose();
    tf.dispose([x, y, ...start]);
    tf.disposeVariables();
  }
});

const PREP = { size: [28, 28] as [number, number], channels: 1 as const, scale: 'unit' as const };
const CLASSES = 5;

/** The source CNN with its first block frozen, trained on cached activations by `how`. */
async function valAccuracy(how: typeof fit, logs: string[], tensors: number[]): Promise<number> {
  const m = buildSourceCnn([28, 28], 1, CLASSES, 3);
  m.getLayer('conv1').trainable = false;
  const part: FrozenSplit | undefined = splitBelowTrainable(m);
  assert.ok(part);
  const [train, validation] = [digitSamples(0, 30), digitSamples(30, 10)];
  const cacheDir = tempDir('parallel-cache');
  const cached = await activationsBelowTop({
    part,
    samples: [...train, ...validation],
    input: imageInput(PREP),
    cacheDir,
    baseKey: 'test',
    modelJsonPath: path.join(cacheDir, 'unused-model.json'),
    classes: CLASSES,
    batchSize: 16,
    seed: 1,
    skips: new SkipList(),
    signal: neverCancelled,
    emit: () => undefined,
  });
  const options: FitOptions = {
    model: part.top,
    which: 'transfer',
    phase: 2,
    epochs: 4,
    learningRate: 0.001,
    patience: 0,
    train: cached.source(train),
    validation: cached.source(validation),
    signal: neverCancelled,
    emit: (e) => (e.kind === 'log' ? logs.push(e.message) : undefined),
    afterEpoch: async () => {
      tensors.push(tf.memory().numTensors);
      return '';
    },
  };
  const { history } = await how(options);
  return history.at(-1)!.valAccuracy;
}

test('fitting on 2 threads reaches the one-thread validation accuracy within noise', async () => {
  await initBackend('wasm');
  // Two threads whatever the machine (or an environment) says: this test is about the split.
  process.env.TRANSFER_STUDIO_THREADS = '2';
  const [oneLogs, twoLogs]: string[][] = [[], []];
  const tensors: number[] = [];
  const one = await valAccuracy(fit, oneLogs, []);
  const two = await valAccuracy(fitDataParallel, twoLogs, tensors);
  assert.ok(new Set(tensors).size === 1, `the tensor count stays flat across epochs: ${tensors.join(', ')}`);
  console.log(`validation accuracy after 4 epochs: 1 thread ${one}, 2 threads ${two}`);
  assert.ok(
    twoLogs.some((m) => /split across 2 threads/.test(m)),
    'the batches were really split (a worker started)',
  );
  assert.ok(Math.abs(one - two) <= NOISE, `1 thread ${one} vs 2 threads ${two}`);
  assert.ok(two > 0.5, `the top learns on 2 threads (accuracy ${two})`);
  tf.disposeVariables();
});

test('a training worker that dies costs speed, not the run: later steps train on the calling thread', async () => {
  await initBackend('wasm');
  const m = buildSourceCnn([28, 28], 1, CLASSES, 3);
  const pool = await TrainPool.start(m, 1);
  assert.ok(pool, 'the worker starts');
  try {
    compileForTraining(m, 0.001);
    const x = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 5);
    const y = tf.cast(
      tf.oneHot(
        tf.tensor1d(
          [...Array(16).keys()].map((i) => i % CLASSES),
          'int32',
        ),
        CLASSES,
      ),
      'float32',
    );
    assert.equal((await pool.step(x, y)).length, 2);
    assert.equal(pool.broken, undefined);
    // The worker thread ends as a crash would end it (the pool's own handle, reached past TypeScript).
    await (pool as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const before = (await read(m)) as Float32Array[];
    const [loss, accuracy] = await pool.step(x, y);
    assert.ok(Number.isFinite(loss) && accuracy >= 0 && accuracy <= 1, `a step still trains: ${loss}, ${accuracy}`);
    assert.ok(pool.broken, 'the pool knows its worker is gone');
    const after = await read(m);
    assert.ok(
      after.some((w, i) => relativeError(w as Float32Array, before[i]) > 0),
      'the step changed weights',
    );
    tf.dispose([x, y]);
  } finally {
    await pool.dispose();
    tf.disposeVariables();
  }
});
