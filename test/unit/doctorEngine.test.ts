// The doctor's heavy arithmetic runs on tfjs matrix products and must compute what the plain-JavaScript
// versions compute: the out-of-fold probe the light classifier's regression, fold for fold (the light
// classifier stays for embeddings' quick checks), and isolation the pure rule in shared/outliers.ts.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { stratifiedFolds } from '../../src/shared/confidentLearning';
import { isolation, unitRows } from '../../src/shared/outliers';
import { loadMnistDigit } from '../../src/samples/sampleFolders';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { isolationOnEngine } from '../../src/trainer/doctor/neighbours';
import { outOfFoldProbabilities, PROBE_FOLDS, PROBE_L2 } from '../../src/trainer/doctor/outOfFold';
import { LogisticRegression } from '../../src/trainer/features/lightClassifier';
import * as tf from '../../src/trainer/tf';

/** 40 digits of each of 3, 5 and 8 as pixel rows, with a few labels swapped so the probe has doubt to show. */
async function digits() {
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  for (const [c, d] of [3, 5, 8].entries()) {
    const raw = await loadMnistDigit(d);
    for (let k = 0; k < 40; k++) {
      rows.push(Float32Array.from(raw.subarray(k * 784, (k + 1) * 784)));
      labels.push(k % 13 === 0 ? (c + 1) % 3 : c);
    }
  }
  return { rows, labels };
}

describe('the doctor on tfjs', () => {
  before(() => initBackend('wasm'));

  it('gives the light classifier’s probabilities, repeatably, and leaves no tensors', async () => {
    const { rows, labels } = await digits();
    const before = tf.memory().numTensors;
    const probs = outOfFoldProbabilities(rows, labels, 3, 7);
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(outOfFoldProbabilities(rows, labels, 3, 7), probs);
    const unit = unitRows(rows);
    const row = (i: number) => unit.data.subarray(i * unit.dims, (i + 1) * unit.dims);
    const folds = stratifiedFolds(labels, PROBE_FOLDS, 7);
    let largest = 0;
    for (let f = 0; f < PROBE_FOLDS; f++) {
      const train = labels.flatMap((_, i) => (folds[i] === f ? [] : [i]));
      const model = new LogisticRegression({ seed: 7 + f, balanced: true, l2: PROBE_L2 }).fit(
        train.map(row),
        train.map((i) => labels[i]),
        3,
      );
      labels.forEach((_, i) => {
        if (folds[i] !== f) return;
        model.predict(row(i)).scores.forEach((p, c) => (largest = Math.max(largest, Math.abs(p - probs[i * 3 + c]))));
      });
    }
    // Float32 against float64 over 100 Adam steps.
    assert.ok(largest < 1e-3, `largest difference ${largest}`);
  });

  it('isolation on the engine is the pure isolation', async () => {
    const { rows } = await digits();
    // Past one block of rows, with a blank image and a duplicate so zero rows and zero distances occur.
    const many = [...rows, ...rows, ...rows.slice(0, 40), new Float32Array(784), rows[0]];
    const unit = unitRows(many);
    const before = tf.memory().numTensors;
    const engine = isolationOnEngine(unit, 3);
    assert.equal(tf.memory().numTensors, before);
    const pure = isolation(unit, 3);
    assert.equal(engine.length, pure.length);
    const largest = Math.max(...engine.map((v, i) => Math.abs(v - pure[i])));
    assert.ok(largest < 1e-5, `largest difference ${largest}`);
  });
});
