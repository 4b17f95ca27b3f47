// The recipe's optimizer choice reaches the compiled model, and each choice actually trains.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import type { OptimizerName } from '../../src/shared/engineTypes';
import * as tf from '../../src/trainer/tf';
import { featureSource } from '../../src/trainer/train/batchSources';
import { fit } from '../../src/trainer/train/fitLoop';

const samples = Array.from({ length: 64 }, (_, i) => ({ path: `s${i}`, label: i % 2 }));
const features = new Map(
  samples.map((s, i) => [s.path, Float32Array.from({ length: 4 }, (_, j) => ((i % 2 ? 1 : -1) * (j + 1)) / 4)]),
);

function model(): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  return tf.model({
    inputs: input,
    outputs: tf.layers
      .dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) })
      .apply(input) as tf.SymbolicTensor,
  });
}

const expected: Record<OptimizerName, string> = { adam: 'Adam', sgd: 'Momentum', rmsprop: 'RMSProp' };

for (const name of ['adam', 'sgd', 'rmsprop'] as const) {
  test(`optimizer ${name} is the one compiled, and it lowers the loss`, async () => {
    await tf.setBackend('cpu');
    const m = model();
    const source = featureSource(samples, features, [4], 2, 16, 1);
    const result = await fit({
      model: m,
      which: 'transfer',
      phase: 1,
      epochs: 5,
      learningRate: 0.05,
      optimizer: name,
      patience: 0,
      train: source,
      validation: source,
      signal: { isCancellationRequested: false },
      emit: () => undefined,
      afterEpoch: async () => '',
    });
    assert.equal((m.optimizer as tf.Optimizer).getClassName(), expected[name]);
    assert.ok(
      result.history[4].loss < result.history[0].loss,
      `loss ${result.history.map((h) => h.loss.toFixed(3)).join(' → ')}`,
    );
    m.dispose();
  });
}
