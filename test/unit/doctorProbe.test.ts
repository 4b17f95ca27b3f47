// The doctor's out-of-fold probe runs on tfjs matrix products; it must compute the same regression as the
// light classifier it replaced (the plain-JavaScript one, kept for embeddings' quick checks), fold for fold.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { stratifiedFolds } from '../../src/shared/confidentLearning';
import { unitRows } from '../../src/shared/outliers';
import { loadMnistDigit } from '../../src/samples/sampleFolders';
import { initBackend } from '../../src/trainer/backend/selectBackend';
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

describe('out-of-fold probe on tfjs', () => {
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
});
