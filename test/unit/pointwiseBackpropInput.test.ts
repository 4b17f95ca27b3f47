// The 1×1 Conv2DBackpropInput fast path is our arithmetic in place of the native wasm kernel: it must give the
// cpu backend's input gradient, and shapes outside it must still reach the native kernel unchanged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { seededRandom } from '../../src/shared/seededRandom';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import * as tf from '../../src/trainer/tf';
import { relativeError } from '../helpers/agreement';

/** Max |wasm − cpu| / max |cpu|: sums of up to 96 float32 terms agree to ~1e-7; a wrong transpose gives ~1. */
const TOLERANCE = 1e-5;
const random = seededRandom(7);
const values = (shape: number[]) =>
  Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() * 2 - 1);

async function inputGradient(
  backend: 'wasm' | 'cpu',
  x: Float32Array,
  xShape: number[],
  f: Float32Array,
  fShape: number[],
  stride: number,
  pad: 'same' | 'valid',
): Promise<Float32Array> {
  await tf.setBackend(backend);
  const ids = backend === 'wasm' ? (tf.backend() as BackendWasm).numDataIds() : 0;
  const out = tf.tidy(() => {
    const filter = tf.tensor4d(f, fShape as [number, number, number, number]);
    // A weighted sum so every dx element depends on different dy values.
    const weights = tf.tensor(
      values([...xShape.slice(0, 3), fShape[3]]).map((_, i) => (i % 7) - 3),
      undefined,
      'float32',
    );
    const g = tf.grad((input: tf.Tensor) => {
      const y = tf.conv2d(input as tf.Tensor4D, filter, stride, pad);
      return tf.sum(
        tf.mul(y, tf.slice(tf.reshape(weights, [...xShape.slice(0, 3), fShape[3]]), [0, 0, 0, 0], y.shape)),
      );
    });
    return g(tf.tensor4d(x, xShape as [number, number, number, number]));
  });
  const data = (await out.data()) as Float32Array;
  out.dispose();
  if (backend === 'wasm') assert.equal((tf.backend() as BackendWasm).numDataIds(), ids, 'wasm buffers leaked');
  return data;
}

test('Conv2D input gradients on wasm (1×1 fast path and native shapes) match the cpu backend', async () => {
  const info = await initBackend('wasm');
  assert.match(info.detail, /1×1 Conv2DBackpropInput/);
  const cases: { x: number[]; f: number[]; stride: number; pad: 'same' | 'valid' }[] = [
    { x: [2, 7, 7, 16], f: [1, 1, 16, 96], stride: 1, pad: 'same' }, // a MobileNetV2 expand conv, small
    { x: [3, 5, 4, 24], f: [1, 1, 24, 8], stride: 1, pad: 'valid' }, // a project conv, non-square
    { x: [2, 8, 8, 6], f: [1, 1, 6, 5], stride: 2, pad: 'same' }, // strided: native kernel
    { x: [2, 6, 6, 4], f: [3, 3, 4, 5], stride: 1, pad: 'same' }, // 3×3: native kernel
  ];
  for (const c of cases) {
    const x = values(c.x);
    const f = values(c.f);
    const err = relativeError(
      await inputGradient('wasm', x, c.x, f, c.f, c.stride, c.pad),
      await inputGradient('cpu', x, c.x, f, c.f, c.stride, c.pad),
    );
    assert.ok(err < TOLERANCE, `x ${c.x} filter ${c.f} stride ${c.stride} ${c.pad}: relative error ${err}`);
  }
  await tf.setBackend('wasm');
});
