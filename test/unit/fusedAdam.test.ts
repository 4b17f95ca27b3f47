// FusedAdam does on wasm, in one kernel per variable, what tfjs' Adam does in about ten: the variables and
// the optimizer's state must follow tfjs' Adam on the cpu backend step for step.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../src/shared/seededRandom';
import { ADAM_STEP } from '../../src/trainer/backend/adamKernel';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import * as tf from '../../src/trainer/tf';
import { applyParts, FusedAdam } from '../../src/trainer/backend/fusedAdam';
import { relativeError } from '../helpers/agreement';

const random = seededRandom(5);
const values = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
// 13 values: the kernel's SIMD body and its scalar tail.
const shapes = [[13], [4, 6]];
const start = shapes.map((s) => values(s.reduce((a, b) => a * b, 1)));
const steps = [0, 1, 2].map(() =>
  shapes.map((s) => [values(s.reduce((a, b) => a * b, 1)), values(s.reduce((a, b) => a * b, 1))]),
);

/**
 * Three steps on the gradient 0.25·g + 0.75·h: the first given in two parts (a data-parallel step), the
 * others summed and passed as a list, as tfjs-layers' trainOnBatch passes them. The variables and moments
 * after, and the kernels the steps ran.
 */
async function run(backend: 'wasm' | 'cpu', optimizer: () => tf.Optimizer) {
  await tf.setBackend(backend);
  const vars = shapes.map((s, i) => tf.variable(tf.tensor(start[i], s), true, `fusedAdamTest${backend}${i}`));
  const opt = optimizer();
  const kernels = new Set<string>();
  for (const [index, step] of steps.entries()) {
    const part = (k: number) => Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(step[i][k], v.shape)]));
    const parts = [
      { gradients: part(0), weight: 0.25 },
      { gradients: part(1), weight: 0.75 },
    ];
    const summed = vars.map((v) => ({
      name: v.name,
      tensor: tf.add(tf.mul(parts[0].gradients[v.name], 0.25), tf.mul(parts[1].gradients[v.name], 0.75)),
    }));
    const profile = await tf.profile(() => (index === 0 ? applyParts(opt, parts) : opt.applyGradients(summed)));
    profile.kernelNames.forEach((k) => kernels.add(k));
    tf.dispose([...parts.flatMap((p) => Object.values(p.gradients)), ...summed.map((g) => g.tensor)]);
  }
  const state = (await opt.getWeights()).map((w) => w.tensor);
  const out = await Promise.all([...vars, ...state.slice(1)].map(async (t) => (await t.data()) as Float32Array));
  opt.dispose();
  tf.dispose(vars);
  return { out, kernels };
}

test('FusedAdam on wasm follows tfjs Adam on cpu, two weighted gradient parts per step', async () => {
  const info = await initBackend('wasm');
  assert.match(info.detail, /Adam\)/, 'the training kernels are missing: run npm run build');
  const { out: fused, kernels } = await run('wasm', () => new FusedAdam(0.01));
  const { out: reference } = await run('cpu', () => tf.train.adam(0.01));
  assert.ok(kernels.has(ADAM_STEP) && !kernels.has('Sqrt'), `the steps ran ${[...kernels].join(', ')}`);
  assert.equal(fused.length, 6); // 2 variables, then 2 first and 2 second moments
  fused.forEach((f, i) =>
    assert.ok(relativeError(f, reference[i]) < 1e-5, `output ${i}: ${relativeError(f, reference[i])}`),
  );
  const moved = relativeError(fused[0], start[0]);
  assert.ok(moved > 1e-3, `the variable did not move (${moved})`);
  await tf.setBackend('wasm');
});
