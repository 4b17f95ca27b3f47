// The wasm gradient kernels are our own arithmetic: a wrong pad, tap order or stride phase trains a model
// that silently learns less. So each one is checked against the cpu backend's reference on random data over
// the configurations training meets, and a real model must train on wasm with a flat tensor count.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '../../src/trainer/tf';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { ownKernels, registerOwnKernel, unregisterOwnKernels } from '../../src/trainer/backend/ownKernels';
import { registerBorrowedKernels } from '../../src/trainer/backend/borrowedKernels';
import { seededRandom } from '../../src/shared/seededRandom';
import { relativeError } from '../helpers/agreement';

/**
 * Max |wasm − cpu| / max |cpu| per gradient. The float32 sums here have a few hundred terms and agree to
 * ~1e-7; a wrong tap, pad or phase gives errors of order 1.
 */
const TOLERANCE = 1e-5;
const FAST = ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'];

const random = seededRandom(42);
const randomArray = (shape: number[]) =>
  Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() * 2 - 1);
type Shape4 = [number, number, number, number];

/** Runs `compute` on one backend and reads its results; on wasm, also checks no wasm buffer leaked. */
async function on(backendName: 'wasm' | 'cpu', compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backendName);
  const idsBefore = backendName === 'wasm' ? (tf.backend() as BackendWasm).numDataIds() : 0;
  const values = tf.tidy(compute).map((t) => {
    const v = t.dataSync() as Float32Array;
    t.dispose();
    return v;
  });
  if (backendName === 'wasm')
    assert.equal((tf.backend() as BackendWasm).numDataIds(), idsBefore, 'wasm buffers leaked');
  return values;
}

/** Inserts dilation − 1 zero taps between taps, so a dilation-1 reference computes the dilated op. */
function dilateFilter(values: Float32Array, [kh, kw, a, b]: Shape4, d: number): tf.Tensor4D {
  const [eh, ew] = [(kh - 1) * d + 1, (kw - 1) * d + 1];
  const out = new Float32Array(eh * ew * a * b);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++)
      out.set(values.subarray((i * kw + j) * a * b, (i * kw + j + 1) * a * b), (i * d * ew + j * d) * a * b);
  }
  return tf.tensor4d(out, [eh, ew, a, b]);
}

type ConvOp = (x: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor4D;

/** [dL/dx, dL/df] for L = Σ op(x, f) · dy: what backprop asks of the kernels for upstream gradient dy. */
function gradients(op: ConvOp, x: tf.Tensor4D, f: tf.Tensor4D, dy: tf.Tensor): tf.Tensor[] {
  return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(op(a as tf.Tensor4D, b as tf.Tensor4D), dy)))([x, f]);
}

const maxErrors = new Map<string, number>();
function expectClose(kernel: string, label: string, actual: Float32Array, expected: Float32Array): void {
  const err = relativeError(actual, expected);
  maxErrors.set(kernel, Math.max(maxErrors.get(kernel) ?? 0, err));
  assert.ok(err < TOLERANCE, `${kernel} ${label}: relative error ${err.toExponential(2)} ≥ ${TOLERANCE}`);
}

interface ConvCase {
  kernel: [number, number];
  stride: number | [number, number];
  pad: 'same' | 'valid' | tf.backend_util.ExplicitPadding;
  mult?: number;
}

const convCases: ConvCase[] = [];
for (const k of [1, 3])
  for (const stride of [1, 2])
    for (const pad of ['same', 'valid'] as const) convCases.push({ kernel: [k, k], stride, pad });
convCases.push({ kernel: [2, 3], stride: [2, 1], pad: 'same' });
convCases.push({
  kernel: [3, 3],
  stride: 2,
  pad: [
    [0, 0],
    [1, 2],
    [2, 0],
    [0, 0],
  ],
});
const depthwiseCases: ConvCase[] = convCases.slice(0, 8).flatMap((c) => [
  { ...c, mult: 1 },
  { ...c, mult: 2 },
]);
depthwiseCases.push({ kernel: [2, 3], stride: [2, 1], pad: 'same', mult: 2 });

const describeCase = (c: ConvCase) =>
  `${c.kernel.join('×')} stride ${c.stride} pad ${JSON.stringify(c.pad)}${c.mult ? ` ×${c.mult}` : ''}`;

describe('wasm gradient kernels', () => {
  before(async () => {
    const info = await initBackend('wasm');
    const again = await initBackend('wasm');
    assert.deepEqual(again, info, 'initBackend is not idempotent');
    assert.equal(info.name, 'wasm');
    assert.match(info.detail, /^wasm \((no )?SIMD, 1 thread per instance\) \+ 3 gradient kernels/);
    // Otherwise the comparisons below would pit the cpu kernel (borrowed) against itself.
    assert.deepEqual(ownKernels('fast'), FAST);
    assert.ok(!info.borrowedKernels.some((k) => FAST.includes(k)));
  });

  test('Conv2D filter (and input) gradients match cpu', async () => {
    const xShape: Shape4 = [2, 9, 10, 3];
    for (const c of convCases) {
      const fShape: Shape4 = [...c.kernel, 3, 4];
      const xv = randomArray(xShape);
      const fv = randomArray(fShape);
      const outShape = tf.conv2d(
        tf.zeros(xShape) as tf.Tensor4D,
        tf.zeros(fShape) as tf.Tensor4D,
        c.stride,
        c.pad,
      ).shape;
      const dyv = randomArray(outShape);
      const op: ConvOp = (x, f) => tf.conv2d(x, f, c.stride, c.pad);
      const grads = () => gradients(op, tf.tensor4d(xv, xShape), tf.tensor4d(fv, fShape), tf.tensor(dyv, outShape));
      const [wx, wf] = await on('wasm', grads);
      const [cx, cf] = await on('cpu', grads);
      expectClose('Conv2DBackpropFilter', describeCase(c), wf, cf);
      expectClose('Conv2DBackpropInput (native)', describeCase(c), wx, cx);
    }
  });

  test('depthwise filter and input gradients match cpu, channel multiplier 1 and 2', async () => {
    const xShape: Shape4 = [2, 9, 10, 3];
    for (const c of depthwiseCases) {
      const fShape: Shape4 = [...c.kernel, 3, c.mult ?? 1];
      const xv = randomArray(xShape);
      const fv = randomArray(fShape);
      const pad = c.pad as 'same' | 'valid';
      const outShape = tf.depthwiseConv2d(
        tf.zeros(xShape) as tf.Tensor4D,
        tf.zeros(fShape) as tf.Tensor4D,
        c.stride,
        pad,
      ).shape;
      const dyv = randomArray(outShape);
      const op: ConvOp = (x, f) => tf.depthwiseConv2d(x, f, c.stride, pad);
      const grads = () => gradients(op, tf.tensor4d(xv, xShape), tf.tensor4d(fv, fShape), tf.tensor(dyv, outShape));
      const [wx, wf] = await on('wasm', grads);
      const [cx, cf] = await on('cpu', grads);
      expectClose('DepthwiseConv2dNativeBackpropInput', describeCase(c), wx, cx);
      expectClose('DepthwiseConv2dNativeBackpropFilter', describeCase(c), wf, cf);
    }
  });

  // tfjs-core's gradients refuse dilation > 1 and the cpu kernels ignore it, so the kernels are called
  // directly and compared with the undilated op on a zero-stuffed filter, whose even taps are the answer.
  test('dilation 2: conv and depthwise kernels match the zero-stuffed-filter reference', async () => {
    const xShape: Shape4 = [2, 11, 10, 3];
    for (const pad of ['same', 'valid'] as const) {
      const kinds: ['conv' | 'depthwise', Shape4][] = [
        ['conv', [3, 3, 3, 4]],
        ['depthwise', [3, 3, 3, 2]],
      ];
      for (const [kind, fShape] of kinds) {
        const xv = randomArray(xShape);
        const fv = randomArray(fShape);
        const stuffed = () => dilateFilter(fv, fShape, 2);
        const op: ConvOp = (x, f) => (kind === 'conv' ? tf.conv2d(x, f, 1, pad) : tf.depthwiseConv2d(x, f, 1, pad));
        const outShape = tf.tidy(() => op(tf.zeros(xShape) as tf.Tensor4D, stuffed()).shape);
        const dyv = randomArray(outShape);
        const [cx, cfStuffed] = await on('cpu', () => {
          const [gx, gf] = gradients(op, tf.tensor4d(xv, xShape), stuffed(), tf.tensor(dyv, outShape));
          return [gx, tf.stridedSlice(gf, [0, 0, 0, 0], gf.shape, [2, 2, 1, 1])];
        });
        const attrs = { strides: [1, 1], pad, dilations: [2, 2], dataFormat: 'NHWC' };
        const [wf, wx] = await on('wasm', () => {
          const x = tf.tensor4d(xv, xShape);
          const dy = tf.tensor(dyv, outShape);
          const name = kind === 'conv' ? 'Conv2DBackpropFilter' : 'DepthwiseConv2dNativeBackpropFilter';
          const gf = tf.engine().runKernel(name, { x, dy }, { ...attrs, filterShape: fShape }) as tf.Tensor;
          if (kind === 'conv') return [gf];
          return [
            gf,
            tf
              .engine()
              .runKernel(
                'DepthwiseConv2dNativeBackpropInput',
                { dy, filter: tf.tensor4d(fv, fShape) },
                { ...attrs, inputShape: xShape },
              ) as tf.Tensor,
          ];
        });
        const label = `3×3 dilation 2 pad ${pad}`;
        expectClose(
          kind === 'conv' ? 'Conv2DBackpropFilter' : 'DepthwiseConv2dNativeBackpropFilter',
          label,
          wf,
          cfStuffed,
        );
        if (kind === 'depthwise') expectClose('DepthwiseConv2dNativeBackpropInput', label, wx, cx);
      }
    }
  });

  test('channels-first is refused with a clear error', async () => {
    await tf.setBackend('wasm');
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] };
    assert.throws(
      () =>
        tf.tidy(() =>
          tf
            .engine()
            .runKernel('Conv2DBackpropFilter', { x: tf.zeros([1, 3, 5, 5]), dy: tf.zeros([1, 4, 5, 5]) }, attrs),
        ),
      /NHWC only/,
    );
  });

  test('borrowed kernels run the cpu kernel on copies: lists, int32, strings, several outputs', async () => {
    const compute = () => {
      const data = tf.tensor2d([
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ]);
      const summed = tf.unsortedSegmentSum(data, tf.tensor1d([1, 0, 1], 'int32'), 2);
      const product = tf.einsum(
        'ij,jk->ik',
        data,
        tf.tensor2d([
          [1, 0],
          [0, 1],
          [1, 1],
        ]),
      );
      const { rtNestedSplits: splits, rtDenseValues: values } = tf.raggedRange(
        tf.tensor1d([0, 5], 'int32'),
        tf.tensor1d([3, 8], 'int32'),
        tf.tensor1d([1, 2], 'int32'),
      );
      const replaced = tf.string.staticRegexReplace(tf.tensor1d(['cat', 'bat']), 'a', 'o');
      const strings = replaced.dataSync() as unknown as string[];
      const stringsRight = tf.tensor1d(strings.join(',') === 'cot,bot' ? [1] : [0]);
      return [summed, product, tf.cast(splits, 'float32'), tf.cast(values, 'float32'), stringsRight];
    };
    const wasm = await on('wasm', compute);
    const cpu = await on('cpu', compute);
    wasm.forEach((w, i) => assert.deepEqual(Array.from(w), Array.from(cpu[i]), `output ${i} differs`));
    assert.deepEqual(Array.from(wasm[4]), [1], 'string kernel result');
  });

  test('a small CNN trains on wasm: loss falls, tensor count flat', async () => {
    await tf.setBackend('wasm');
    const seed = { seed: 7 };
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [16, 16, 3],
          filters: 8,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform(seed),
        }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({
          filters: 8,
          kernelSize: 3,
          strides: 2,
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform(seed),
        }),
        tf.layers.flatten(),
        tf.layers.dropout({ rate: 0.1 }),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform(seed) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    // Class k: a bright 6×6 square at one of three places, on noise.
    const count = 24;
    const images = new Float32Array(count * 16 * 16 * 3).map(() => random() * 0.3);
    const labels: number[] = [];
    for (let n = 0; n < count; n++) {
      const k = n % 3;
      labels.push(k);
      for (let r = 0; r < 6; r++)
        for (let c = 0; c < 6; c++)
          for (let ch = 0; ch < 3; ch++) images[((n * 16 + 1 + r) * 16 + 1 + 4 * k + c) * 3 + ch] = 1;
    }
    const x = tf.tensor4d(images, [count, 16, 16, 3]);
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
    const losses: number[] = [];
    const tensorsAfter: number[] = [];
    let kernelsRun: string[] = [];
    for (let step = 1; step <= 12; step++) {
      if (step === 3)
        kernelsRun = (
          await tf.profile(async () => {
            losses.push((await model.trainOnBatch(x, y)) as number);
          })
        ).kernelNames;
      else losses.push((await model.trainOnBatch(x, y)) as number);
      tensorsAfter[step] = tf.memory().numTensors;
    }
    assert.ok(kernelsRun.includes('Conv2DBackpropFilter'), 'the step did not run the conv filter gradient');
    assert.equal(tensorsAfter[5], tensorsAfter[2], 'tensor count grew between step 2 and step 5');
    assert.ok(losses.every(Number.isFinite), `non-finite loss: ${losses}`);
    assert.ok(losses[losses.length - 1] < 0.7 * losses[0], `loss did not fall: ${losses.map((l) => l.toFixed(3))}`);
    tf.dispose([x, y]);
    model.dispose();
  });

  test('a MobileNetV2-style block trains with the fast kernels alone (nothing borrowed)', async (t) => {
    await tf.setBackend('wasm');
    const borrowed = unregisterOwnKernels('borrowed');
    try {
      const input = tf.input({ shape: [24, 24, 3] });
      let t = tf.layers
        .zeroPadding2d({
          padding: [
            [0, 1],
            [0, 1],
          ],
        })
        .apply(input) as tf.SymbolicTensor;
      t = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, useBias: false }).apply(t) as tf.SymbolicTensor;
      t = tf.layers.reLU({ maxValue: 6 }).apply(tf.layers.batchNormalization().apply(t)) as tf.SymbolicTensor;
      let b = tf.layers
        .depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false })
        .apply(t) as tf.SymbolicTensor;
      b = tf.layers.reLU({ maxValue: 6 }).apply(tf.layers.batchNormalization().apply(b)) as tf.SymbolicTensor;
      b = tf.layers
        .batchNormalization()
        .apply(tf.layers.conv2d({ filters: 8, kernelSize: 1, useBias: false }).apply(b)) as tf.SymbolicTensor;
      t = tf.layers.add().apply([t, b]) as tf.SymbolicTensor;
      t = tf.layers
        .depthwiseConv2d({ kernelSize: 3, strides: 2, depthMultiplier: 2, padding: 'same' })
        .apply(t) as tf.SymbolicTensor;
      const out = tf.layers
        .dense({ units: 2, activation: 'softmax' })
        .apply(tf.layers.globalAveragePooling2d({}).apply(t)) as tf.SymbolicTensor;
      const model = tf.model({ inputs: input, outputs: out });
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
      const x = tf.tensor4d(randomArray([4, 24, 24, 3]), [4, 24, 24, 3]);
      const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
      const history = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
      assert.ok(history.history.loss.every((l) => Number.isFinite(l as number)));
      tf.dispose([x, y]);
      model.dispose();
    } finally {
      registerBorrowedKernels(borrowed);
    }
    assert.ok(
      FAST.every((k) => !registerOwnKernel({ kernelName: k, backendName: 'wasm', kernelFunc: () => [] }, 'fast')),
    );
    t.diagnostic(`max relative errors: ${[...maxErrors].map(([k, e]) => `${k} ${e.toExponential(2)}`).join(', ')}`);
  });
});
