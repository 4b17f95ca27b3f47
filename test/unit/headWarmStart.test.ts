// Heads on standardized cached features (issue 29): a feature with a tiny deviation is not scaled beyond the
// floor (folded into the head, such a scale made fine-tuning the blocks below collapse), a constant one is
// dropped, and the folded head reads raw features exactly as the head read standardized ones.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import { DEVIATION_FLOOR_SHARE, foldStandardization, standardize } from '../../src/trainer/train/headWarmStart';
import * as tf from '../../src/trainer/tf';

before(async () => {
  await tf.setBackend('cpu');
});

// Four training rows of five features: deviations 1, 2, 3 (median 2), 0.001 (a rarely firing channel), 0.
const rows = [
  [1, 2, 3, 0.002, 5],
  [-1, -2, -3, 0, 5],
  [1, 2, 3, 0, 5],
  [-1, -2, -3, 0.002, 5],
].map((r) => Float32Array.from(r));
const features = new Map(rows.map((r, i) => [`x${i}`, r]));
const train = rows.map((_, i) => ({ path: `x${i}`, label: i % 2 }));

test('each feature scaled by its own deviation, a tiny one only up to the floor, a constant one dropped', () => {
  const s = standardize(features, train);
  assert.ok(Math.abs(s.scale[0] - 1 / Math.max(1, DEVIATION_FLOOR_SHARE * 2)) < 1e-6);
  assert.ok(Math.abs(s.scale[2] - 1 / 3) < 1e-6, 'above the median: its own deviation');
  assert.ok(Math.abs(s.scale[3] - 1 / (DEVIATION_FLOOR_SHARE * 2)) < 1e-4, `floor, not 1/0.001: ${s.scale[3]}`);
  assert.ok(Math.abs(standardize(features, train, 0.1).scale[3] - 5) < 1e-4, 'a tenth of the median');
  assert.equal(s.scale[4], 0);
  assert.ok(Math.abs(standardize(features, train, 0).scale[3] - 1000) < 1, 'without a floor: its own deviation');
  const x1 = [...s.features.get('x1')!].map((v) => Math.round(v * 1e5) / 1e5);
  assert.deepEqual(x1.slice(0, 3), [-0.5, -1, -1], 'centred, each scaled');
});

test('the folded head reads raw features as the head read standardized ones', async () => {
  const head = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [5], activation: 'softmax' })] });
  const s = standardize(features, train);
  const onStandardized = head.predict(
    tf.tensor2d(rows.map((r) => [...s.features.get(`x${rows.indexOf(r)}`)!])),
  ) as tf.Tensor;
  const expected = await onStandardized.array();
  foldStandardization(head, s);
  const onRaw = head.predict(tf.tensor2d(rows.map((r) => [...r]))) as tf.Tensor;
  const got = (await onRaw.array()) as number[][];
  (expected as number[][]).forEach((row, i) => row.forEach((p, j) => assert.ok(Math.abs(p - got[i][j]) < 1e-5)));
  tf.dispose([onStandardized, onRaw]);
  head.dispose();
});
