// Identity and same-dtype Cast share their input's wasm buffer (sharedIdentity.ts). Sharing must not be
// visible: a clone keeps its values when the original is disposed or a variable it came from is assigned,
// gradients that save their inputs stay right, and every buffer is freed once its last tensor goes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import * as tf from '../../src/trainer/tf';

const buffers = () => (tf.backend() as BackendWasm).numDataIds();

test('wasm Identity and same-dtype Cast share the buffer; values survive the original', async () => {
  const info = await initBackend('wasm');
  assert.match(info.detail, /Identity sharing data/);
  const before = buffers();
  const a = tf.tensor1d([1.5, -2.25, 3]);
  const c = tf.clone(a);
  const same = tf.cast(a, 'float32');
  assert.equal(buffers(), before + 1, 'clone and same-dtype cast add no buffer');
  const ints = tf.cast(a, 'int32');
  assert.equal(buffers(), before + 2, 'a cast to another dtype has its own buffer');
  assert.deepEqual(Array.from(await ints.data()), [1, -2, 3]);
  a.dispose();
  assert.deepEqual(Array.from(await c.data()), [1.5, -2.25, 3]);
  assert.deepEqual(Array.from(await same.data()), [1.5, -2.25, 3]);
  tf.dispose([c, same, ints]);
  assert.equal(buffers(), before, 'every buffer freed with its last tensor');
});

test('a clone of a variable keeps the old values after assign; gradients that save inputs are right', async () => {
  await initBackend('wasm');
  const before = buffers();
  const [first, next] = [tf.tensor1d([1, 2, 3]), tf.tensor1d([7, 8, 9])];
  const v = tf.variable(first);
  const old = tf.clone(v);
  v.assign(next);
  assert.deepEqual(Array.from(await old.data()), [1, 2, 3]);
  assert.deepEqual(Array.from(await v.data()), [7, 8, 9]);
  // Mul saves both inputs for its gradient through Identity: d/dx Σ x·x·w = 2·x·w.
  const w = tf.tensor1d([1, -1, 0.5]);
  const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.mul(x, x), w)))(v);
  assert.deepEqual(Array.from(await grad.data()), [14, -16, 9]);
  tf.dispose([first, next, v, old, w, grad]);
  assert.equal(buffers(), before);
});
