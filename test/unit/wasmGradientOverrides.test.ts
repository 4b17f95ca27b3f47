// Our replacements for tfjs' BatchNorm and ClipByValue gradients on wasm, and the explicit transposes in
// front of the wasm BatchMatMul, are our arithmetic: each must give the cpu backend's (tfjs' original) result.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { seededRandom } from '../../src/shared/seededRandom';
import { LOOP_MAX_MACS } from '../../src/trainer/backend/depthwiseFilterLoop';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import * as tf from '../../src/trainer/tf';
import { relativeError } from '../helpers/agreement';

/** Max |wasm − cpu| / max |cpu|: float32 sums of a few hundred terms agree to ~1e-6; a wrong axis gives ~1. */
const TOLERANCE = 1e-5;
type Shape4 = [number, number, number, number];
const random = seededRandom(11);
const values = (shape: number[], lo = -1, hi = 1) =>
  Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => lo + random() * (hi - lo));

/** Runs `compute` on one backend and reads its results; on wasm, also checks that no wasm buffer leaked. */
async function on(backend: 'wasm' | 'cpu', compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const ids = backend === 'wasm' ? (tf.backend() as BackendWasm).numDataIds() : 0;
  const out = tf.tidy(compute);
  const data = await Promise.all(out.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(out);
  if (backend === 'wasm') assert.equal((tf.backend() as BackendWasm).numDataIds(), ids, 'wasm buffers leaked');
  return data;
}

async function agree(name: string, compute: () => tf.Tensor[]): Promise<void> {
  const wasm = await on('wasm', compute);
  const cpu = await on('cpu', compute);
  wasm.forEach((w, i) => {
    const err = relativeError(w, cpu[i]);
    assert.ok(err < TOLERANCE, `${name}, output ${i}: relative error ${err}`);
  });
  await tf.setBackend('wasm');
}

// Without a scale tfjs cannot record the op at all (it saves the missing input): transferModel.ts handles that.
test('wasm BatchNorm gradients (every input) match the cpu backend', async () => {
  const info = await initBackend('wasm');
  assert.match(info.detail, /BatchNorm and ReLU6 gradients/);
  const shape = [3, 5, 4, 12];
  const [x, w] = [values(shape, -2, 3), values(shape)];
  const [mean, variance, offset, scale] = [values([12]), values([12], 0.1, 2), values([12]), values([12], 0.5, 1.5)];
  await agree('batchNorm', () => {
    const weights = tf.tensor(w, shape);
    const loss = (xs: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) =>
      tf.sum(tf.mul(tf.batchNorm(xs, m, v, o, s, 1e-3), weights));
    const grads = tf.grads(loss as (...a: tf.Tensor[]) => tf.Tensor);
    return grads([tf.tensor(x, shape), ...[mean, variance, offset, scale].map((v) => tf.tensor1d(v))]);
  });
});

test('wasm ReLU6 (ClipByValue) gradient matches the cpu backend, values at both bounds included', async () => {
  await initBackend('wasm');
  const shape = [2, 6, 6, 10];
  const x = values(shape, -3, 9);
  [0, 6, 17, 33].forEach((i, k) => (x[i] = k % 2 ? 6 : 0));
  const w = values(shape);
  await agree('clipByValue', () => {
    const weights = tf.tensor(w, shape);
    const g = tf.grad((xs: tf.Tensor) => tf.sum(tf.mul(tf.clipByValue(xs, 0, 6), weights)));
    return [g(tf.tensor(x, shape))];
  });
});

test('wasm Mean gradient (global pooling, one axis, every axis) matches the cpu backend', async () => {
  await initBackend('wasm');
  const shape = [2, 3, 5, 7];
  const x = values(shape);
  const cases: [number[] | number | undefined, number[]][] = [
    [
      [1, 2],
      [2, 1, 1, 7],
    ],
    [-1, [2, 3, 5, 1]],
    [undefined, [1, 1, 1, 1]],
  ];
  for (const [axis, outShape] of cases) {
    const w = values(outShape);
    await agree(`mean over ${axis ?? 'every axis'}`, () => {
      const loss = (v: tf.Tensor) => tf.sum(tf.mul(tf.mean(v, axis, true), tf.tensor(w, outShape)));
      return [tf.grad(loss)(tf.tensor(x, shape))];
    });
  }
});

test('wasm matMul with transposed operands (rank 2 and batched) matches the cpu backend', async () => {
  await initBackend('wasm');
  const cases: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
    { a: [37, 50], b: [23, 50], ta: false, tb: true },
    { a: [50, 37], b: [50, 23], ta: true, tb: false },
    { a: [50, 37], b: [23, 50], ta: true, tb: true },
    { a: [3, 9, 14], b: [3, 11, 14], ta: false, tb: true },
    { a: [2, 14, 9], b: [2, 14, 11], ta: true, tb: false },
  ];
  for (const c of cases) {
    const [a, b] = [values(c.a), values(c.b)];
    await agree(`matMul ${c.a}${c.ta ? 'ᵀ' : ''} · ${c.b}${c.tb ? 'ᵀ' : ''}`, () => [
      tf.matMul(tf.tensor(a, c.a), tf.tensor(b, c.b), c.ta, c.tb),
    ]);
  }
});

/** The gradient of Σ depthwiseConv2d(x, filter)·weights with respect to the filter, for `agree`. */
function depthwiseFilterGradient(shape: Shape4, multiplier: number, stride: number): () => tf.Tensor[] {
  const filterShape: Shape4 = [3, 3, shape[3], multiplier];
  const out = [shape[0], Math.ceil(shape[1] / stride), Math.ceil(shape[2] / stride), shape[3] * multiplier];
  const [x, f, w] = [values(shape), values(filterShape), values(out)];
  return () => {
    const input = tf.tensor4d(x, shape);
    const g = tf.grad((filter: tf.Tensor) =>
      tf.sum(tf.mul(tf.depthwiseConv2d(input, filter as tf.Tensor4D, stride, 'same'), tf.tensor(w, out))),
    );
    return [g(tf.tensor4d(f, filterShape))];
  };
}

test('wasm depthwise filter gradient above the loop bound (composed kernel) matches the cpu backend', async () => {
  const info = await initBackend('wasm');
  assert.match(info.detail, /heap loop for small depthwise filter gradients/);
  // Small shapes take the heap loop and are checked in wasmGradients.test.ts; this one is above LOOP_MAX_MACS,
  // and has a channel multiplier of 2, which the SIMD kernel leaves to the composed one.
  const shape: Shape4 = [4, 64, 64, 64];
  assert.ok(shape.reduce((a, b) => a * b, 1) * 2 * 9 > LOOP_MAX_MACS);
  await agree('depthwise filter gradient', depthwiseFilterGradient(shape, 2, 1));
});

// Channel counts that are not a multiple of 4 take both the SIMD body and the scalar tail of each kernel.
test('the SIMD training kernels are in use and match the cpu backend, odd channel counts included', async () => {
  const info = await initBackend('wasm');
  assert.match(info.detail, /SIMD training kernels/, 'dist/trainingKernels.wasm is missing: run npm run build');
  for (const channels of [13, 6]) {
    const shape: Shape4 = [3, 5, 4, channels];
    const [x, w] = [values(shape, -2, 3), values(shape)];
    const perChannel = [values([channels]), values([channels], 0.1, 2), values([channels]), values([channels], 0.5, 2)];
    await agree(`batchNorm forward and gradients, ${channels} channels`, () => {
      const [mean, variance, offset, scale] = perChannel.map((v) => tf.tensor1d(v));
      const y = tf.batchNorm(tf.tensor(x, shape), mean, variance, offset, scale, 1e-3);
      const loss = (xs: tf.Tensor, o: tf.Tensor, s: tf.Tensor) =>
        tf.sum(tf.mul(tf.batchNorm(xs, mean, variance, o, s, 1e-3), tf.tensor(w, shape)));
      const grads = tf.grads(loss as (...a: tf.Tensor[]) => tf.Tensor);
      return [y, ...grads([tf.tensor(x, shape), offset, scale])];
    });
    await agree(`batchNorm forward without offset and scale, ${channels} channels`, () => {
      const [mean, variance] = perChannel.map((v) => tf.tensor1d(v));
      return [tf.batchNorm(tf.tensor(x, shape), mean, variance)];
    });
    await agree(`depthwise filter gradient, ${channels} channels, stride 1`, depthwiseFilterGradient(shape, 1, 1));
    await agree(`depthwise filter gradient, ${channels} channels, stride 2`, depthwiseFilterGradient(shape, 1, 2));
  }
  // Products of every tail: rows not a multiple of 4, columns not a multiple of 8, batch broadcast.
  for (const [a, b, ta, tb] of [
    [[7, 13], [13, 11], false, false],
    [[13, 7], [11, 13], true, true],
    [[3, 6, 5], [1, 5, 17], false, false],
    [[1, 5, 6], [3, 9, 5], true, true],
  ] as [number[], number[], boolean, boolean][]) {
    const [av, bv] = [values(a), values(b)];
    await agree(`matMul ${a}${ta ? 'ᵀ' : ''} · ${b}${tb ? 'ᵀ' : ''}`, () => [
      tf.matMul(tf.tensor(av, a), tf.tensor(bv, b), ta, tb),
    ]);
  }
  // 1×1 convolutions as one product, forward with bias and each fused activation, and both gradients.
  const xShape: Shape4 = [2, 3, 5, 13];
  const [xv, fv, bv, wv] = [values(xShape, -2, 4), values([1, 1, 13, 10]), values([10]), values([2, 3, 5, 10])];
  for (const activation of ['linear', 'relu', 'relu6'] as const) {
    await agree(`1×1 conv with bias and ${activation}`, () => [
      tf.fused.conv2d({
        x: tf.tensor4d(xv, xShape),
        filter: tf.tensor4d(fv, [1, 1, 13, 10]),
        strides: 1,
        pad: 'same',
        bias: tf.tensor1d(bv),
        activation,
      }),
    ]);
  }
  await agree('1×1 conv gradients', () => {
    const loss = (x: tf.Tensor, f: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid'), tf.tensor(wv, [2, 3, 5, 10])));
    return tf.grads(loss as (...a: tf.Tensor[]) => tf.Tensor)([tf.tensor(xv, xShape), tf.tensor(fv, [1, 1, 13, 10])]);
  });
  // 3·5·7 values: the clip gradient's SIMD body covers 104 of them and its tail the last one.
  const clipShape = [3, 5, 7];
  const xs = values(clipShape, -3, 9);
  [0, 6, 50, 104].forEach((i, k) => (xs[i] = k % 2 ? 6 : 0));
  await agree('ReLU6 gradient, 105 values', () => {
    const g = tf.grad((v: tf.Tensor) =>
      tf.sum(tf.mul(tf.clipByValue(v, 0, 6), tf.reshape(tf.range(0, 105), clipShape))),
    );
    return [g(tf.tensor(xs, clipShape))];
  });
});

// The process above multiplies with relaxed SIMD's fused multiply-add; a machine without it runs the plain
// module, checked here in a process of its own (the choice is made once per backend).
test('without relaxed SIMD the plain module runs, and its products match the cpu backend', () => {
  const script = `(async () => {
    const { initBackend } = require('./src/trainer/backend/selectBackend');
    const tf = require('./src/trainer/tf');
    const { detail } = await initBackend('wasm');
    const a = tf.randomUniform([7, 13], -1, 1, 'float32', 1), b = tf.randomUniform([11, 13], -1, 1, 'float32', 2);
    const product = async () => Array.from(await tf.matMul(a, b, false, true).data());
    const wasm = await product();
    await tf.setBackend('cpu');
    const cpu = await product();
    console.log(JSON.stringify({ detail, error: Math.max(...wasm.map((v, i) => Math.abs(v - cpu[i]))) }));
  })();`;
  const env = { ...process.env, TRANSFER_STUDIO_RELAXED_SIMD: '0' };
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { env });
  assert.equal(run.status, 0, run.stderr.toString());
  const { detail, error } = JSON.parse(run.stdout.toString().trim().split('\n').at(-1)!);
  assert.match(detail, /SIMD training kernels \(matrix products and 1×1 convolutions,/);
  assert.ok(error < 1e-5, `plain module: max error ${error}`);
});
