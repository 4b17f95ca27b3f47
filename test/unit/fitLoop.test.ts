// The epoch loop on small in-memory features: early stopping keeps the best epoch's weights, the tensor
// count stays flat across epochs, and cancellation stops at a batch boundary.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import type { Sample } from '../../src/shared/split';
import * as tf from '../../src/trainer/tf';
import { featureSource } from '../../src/trainer/train/batchSources';
import { fit, validate } from '../../src/trainer/train/fitLoop';
import { seededRandom } from '../../src/shared/seededRandom';

const random = seededRandom(3);
const samples = (n: number, offset: number, noisy: boolean): Sample[] =>
  Array.from({ length: n }, (_, i) => ({ path: `s${offset + i}`, label: noisy ? Math.floor(random() * 2) : i % 2 }));
const train = samples(64, 0, false);
const validation = samples(32, 1000, true); // labels unrelated to the features: validation loss rises as training fits
const features = new Map(
  [...train, ...validation].map((s, i) => [
    s.path,
    Float32Array.from({ length: 8 }, (_, j) => ((i % 2 === 0 ? 1 : -1) * (j + 1)) / 8 + random() * 0.1),
  ]),
);

function model(): tf.LayersModel {
  const input = tf.input({ shape: [8] });
  return tf.model({
    inputs: input,
    outputs: tf.layers
      .dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })
      .apply(input) as tf.SymbolicTensor,
  });
}

test('early stopping restores the best epoch, and the tensor count is flat across epochs', async () => {
  await tf.setBackend('cpu');
  const m = model();
  const counts: number[] = [];
  const result = await fit({
    model: m,
    which: 'transfer',
    phase: 1,
    epochs: 30,
    learningRate: 0.05,
    patience: 2,
    train: featureSource(train, features, [8], 2, 16, 1),
    validation: featureSource(validation, features, [8], 2, 16, 1),
    signal: { isCancellationRequested: false },
    emit: () => undefined,
    afterEpoch: async () => {
      counts.push(tf.memory().numTensors);
      return '';
    },
  });
  assert.equal(result.stoppedEarly, true);
  assert.ok(result.history.length < 30);
  // After epoch 1 the loop keeps one copy of the best weights (kernel and bias); after that, nothing grows.
  assert.equal(counts[1] - counts[0], m.getWeights().length);
  assert.ok(
    counts.slice(1).every((c) => c === counts[1]),
    `tensor counts ${counts.join(',')}`,
  );
  const best = Math.min(...result.history.map((h) => h.valLoss));
  const now = await validate(m, featureSource(validation, features, [8], 2, 16, 1), { isCancellationRequested: false });
  assert.ok(Math.abs(now.loss - best) < 1e-5, `restored val loss ${now.loss}, best ${best}`);
});

test('cancellation stops at the next batch and reports what finished', async () => {
  let batches = 0;
  const signal = { isCancellationRequested: false };
  const result = await fit({
    model: model(),
    which: 'transfer',
    phase: 1,
    epochs: 10,
    learningRate: 0.01,
    patience: 0,
    train: featureSource(train, features, [8], 2, 8, 1),
    validation: featureSource(validation, features, [8], 2, 8, 1),
    signal,
    emit: (e) => {
      if (e.kind === 'batch' && ++batches === 11) signal.isCancellationRequested = true;
    },
    afterEpoch: async () => '',
  });
  assert.equal(result.cancelled, true);
  assert.equal(batches, 11);
  assert.equal(result.history.length, 1, 'epoch 1 (8 batches) finished, epoch 2 was cut at its 3rd batch');
});
