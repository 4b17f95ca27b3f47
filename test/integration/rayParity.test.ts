// The Ray job trains the same model as a local run, step for step: from the same initial weights (the engine's
// Keras export of the start model) and the same batches, the job's own training step (src/ray/job_train.py,
// one worker, no Ray) gives the engine's losses. Head only on cached features (as the job runs it: plain torch on
// the Keras variables), and a second-phase top whose unfrozen BatchNorm learns its scale and offset while
// normalizing with the base's moving statistics.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { resolveFreezePlan, secondPhasePlan } from '../../src/shared/freezePlan';
import { parseRayLine, type RayJobLine } from '../../src/shared/rayProtocol';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { splitBelowTrainable } from '../../src/trainer/models/frozenSplit';
import { describeLayers } from '../../src/trainer/models/layerInfo';
import { applyFreezePlan, buildTransferModel } from '../../src/trainer/models/transferModel';
import { exportStartModel } from '../../src/trainer/ray/rayBase';
import * as tf from '../../src/trainer/tf';
import { needsBalancing } from '../../src/trainer/train/balance';
import { epochOrder } from '../../src/trainer/train/batchSources';
import { compileForTraining } from '../../src/trainer/train/fitLoop';
import { tempDir } from '../helpers/fixtures';
import { runPython, skipWithoutPython } from '../helpers/python';

const skip = skipWithoutPython();
const SCRIPT = path.resolve(__dirname, '../python/ray_job_parts.py');
const STEPS = 6;
const BATCH = 8;
const CLASSES = 3;
const LEARNING_RATE = 0.01;
/** The bound: float32 in two frameworks, summed in different orders, stays far below it. */
const TOLERANCE = 1e-3;

/** A small conv base whose BatchNorm has statistics far from 0 and 1, as a pretrained base's have. */
function base(): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 3], name: 'pixels' });
  let x = tf.layers
    .conv2d({
      filters: 8,
      kernelSize: 3,
      padding: 'same',
      name: 'conv_a',
      kernelInitializer: tf.initializers.heNormal({ seed: 3 }),
    })
    .apply(input) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ name: 'bn_a' });
  x = bn.apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: 'relu_a' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  const r = (seed: number, lo: number, hi: number) => tf.randomUniform([8], lo, hi, 'float32', seed);
  bn.setWeights([r(1, 0.5, 1.5), r(2, -0.5, 0.5), r(3, -1, 1), r(4, 0.5, 3)]);
  return model;
}

/** Seeded batches of `shape` inputs with labels cycling through the classes. */
function batches(shape: number[]): { x: tf.Tensor; labels: number[] }[] {
  return Array.from({ length: STEPS }, (_, i) => ({
    x: tf.randomUniform([BATCH, ...shape], 0, 3, 'float32', 100 + i),
    labels: Array.from({ length: BATCH }, (_, k) => (k + i) % CLASSES),
  }));
}

async function parity(phase: 'head' | 'top'): Promise<{ local: number[]; ray: number[]; torchHead: boolean }> {
  await initBackend('wasm');
  const dir = tempDir(`ray-parity-${phase}`);
  const model = base();
  const layers = describeLayers(model);
  const plan = resolveFreezePlan(layers, { freezeUpTo: 'relu_a' }, 'relu_a');
  const tm = buildTransferModel(model, plan, { pooling: 'avg' }, CLASSES, 7);
  const info = {
    classes: ['a', 'b', 'c'],
    preprocessing: { size: [6, 6] as [number, number], channels: 3 as const, scale: 'unit' as const },
    title: 'parity',
    base: 'parity',
  };
  const start = await exportStartModel(tm.full, info, dir);
  const phasePlan = phase === 'head' ? plan : secondPhasePlan(plan, layers, 'bn_a');
  applyFreezePlan(tm.full, phasePlan);
  const part = phase === 'head' ? { top: tm.head, boundary: 'head_pool' } : splitBelowTrainable(tm.full);
  assert.ok(part, 'one tensor separates the frozen part');
  if (phase === 'top') assert.equal(part.boundary, 'conv_a');
  const data = batches(part.top.inputs[0].shape.slice(1) as number[]);
  compileForTraining(part.top, LEARNING_RATE, 'adam');
  const local: number[] = [];
  for (const b of data) {
    const y = tf.cast(tf.oneHot(tf.tensor1d(b.labels, 'int32'), CLASSES), 'float32');
    const [loss] = (await part.top.trainOnBatch(b.x, y)) as number[];
    local.push(loss);
    y.dispose();
  }
  const spec = {
    boundary: part.boundary,
    frozen: [...phasePlan.frozen],
    optimizer: 'adam',
    learningRate: LEARNING_RATE,
    batches: await Promise.all(data.map(async (b) => ({ x: await b.x.array(), y: b.labels }))),
  };
  fs.writeFileSync(path.join(dir, 'batches.json'), JSON.stringify(spec));
  const job = JSON.parse(runPython(SCRIPT, [start, path.join(dir, 'batches.json')])) as {
    losses: number[];
    torchHead: boolean;
  };
  tf.dispose(data.map((b) => b.x));
  fs.rmSync(dir, { recursive: true, force: true });
  return { local, ray: job.losses, torchHead: job.torchHead };
}

function assertSameLosses({ local, ray }: { local: number[]; ray: number[] }, t: TestContext): void {
  t.diagnostic(`local ${local.map((l) => l.toFixed(6)).join(' ')}; Ray job ${ray.map((l) => l.toFixed(6)).join(' ')}`);
  assert.equal(ray.length, STEPS);
  local.forEach((l, i) => assert.ok(Math.abs(l - ray[i]) < TOLERANCE, `step ${i + 1}: local ${l}, Ray job ${ray[i]}`));
  // The steps learned something, so equal losses mean equal updates, not two models standing still.
  assert.ok(Math.abs(local[STEPS - 1] - local[0]) > 10 * TOLERANCE, `losses ${local.join(', ')}`);
}

test(
  "head only: the Ray job's step gives the engine's losses from the same weights and batches",
  { skip },
  async (t) => {
    const head = await parity('head');
    // The job trains a head on cached features as plain torch on the Keras variables (job_head.py).
    assert.equal(head.torchHead, true, 'the head ran through Keras, not as the torch head');
    assertSameLosses(head, t);
  },
);

test(
  'second-phase top: an unfrozen BatchNorm learns as locally (moving statistics kept, scale and offset trained)',
  { skip },
  async (t) => {
    const top = await parity('top');
    assert.equal(top.torchHead, false, 'a top with a convolution and a BatchNorm runs through Keras');
    assertSameLosses(top, t);
  },
);

/** The job's order of one epoch (job_order.epoch_order) for examples with these labels, as row indices. */
function jobOrder(labels: number[], seed: number, epoch: number, balanced: boolean): number[] {
  const dir = tempDir('ray-order');
  const file = path.join(dir, 'labels.json');
  fs.writeFileSync(file, JSON.stringify(labels));
  const args = ['--order', file, String(seed), String(epoch), balanced ? '1' : '0'];
  const order = JSON.parse(runPython(SCRIPT, args)) as number[];
  fs.rmSync(dir, { recursive: true, force: true });
  return order;
}

/** The engine's order of the same epoch (batchSources.ts), as row indices. */
function engineOrder(labels: number[], seed: number, epoch: number): { order: number[]; balanced: boolean } {
  const samples = labels.map((label, i) => ({ path: String(i), label }));
  return { order: epochOrder(samples, seed, epoch).map((s) => Number(s.path)), balanced: needsBalancing(samples) };
}

test('each epoch on Ray draws the examples in the order a local run draws them', { skip }, () => {
  const even = Array.from({ length: 40 }, (_, i) => i % 4);
  for (const [seed, epoch] of [
    [7, 1],
    [7, 2],
    [2_000_003, 3],
  ]) {
    const local = engineOrder(even, seed, epoch);
    assert.equal(local.balanced, false);
    assert.deepEqual(jobOrder(even, seed, epoch, false), local.order, `seed ${seed}, epoch ${epoch}`);
  }
  assert.notDeepEqual(engineOrder(even, 7, 1).order, engineOrder(even, 7, 2).order, 'epochs differ');
});

test(
  'balanced epochs on Ray draw every class as often as the largest, in the order a local run draws them',
  { skip },
  () => {
    const labels = [...Array(12).fill(0), ...Array(3).fill(1), ...Array(5).fill(2)] as number[];
    const local = engineOrder(labels, 7, 1);
    assert.equal(local.balanced, true);
    const order = jobOrder(labels, 7, 1, true);
    assert.deepEqual(order, local.order);
    assert.equal(order.length, 36);
    const perClass = [0, 1, 2].map((c) => order.filter((i) => labels[i] === c).length);
    assert.deepEqual(perClass, [12, 12, 12]);
    const timesEach = (c: number) => labels.flatMap((l, i) => (l === c ? [order.filter((j) => j === i).length] : []));
    assert.deepEqual(timesEach(0), Array(12).fill(1));
    assert.deepEqual(timesEach(1), Array(3).fill(4));
    // 12 over 5 images: each drawn twice or three times.
    assert.ok(
      timesEach(2).every((n) => n === 2 || n === 3),
      String(timesEach(2)),
    );
  },
);

test(
  "the cluster's cache: computed once per distinct example, read back by a second run, recomputed for another runtime",
  { skip },
  () => {
    const root = tempDir('ray-cache');
    const out = runPython(SCRIPT, ['--cache', root]).trim().split('\n');
    const lines = out.map(parseRayLine).filter((l): l is Extract<RayJobLine, { type: 'cache' }> => l?.type === 'cache');
    assert.deepEqual(
      lines.map((l) => [l.cached, l.computed]),
      [
        [0, 6],
        [6, 0],
        [0, 6],
      ],
    );
    assert.equal(lines[0].folder, lines[1].folder);
    assert.notEqual(lines[0].folder, lines[2].folder, 'the runtime is part of the key');
    assert.ok(lines.every((l) => l.folder.startsWith(path.join(root, 'ray-features'))));
    assert.equal(fs.readdirSync(lines[0].folder).filter((f) => f.endsWith('.f32')).length, 6);
    const difference = Number(out.at(-1));
    assert.ok(difference < 1e-5, `cached values differ from the frozen part's output by ${difference}`);
    fs.rmSync(root, { recursive: true, force: true });
  },
);

test(
  "a two-phase job runs the base once: the head's features come from the second phase's cached activations",
  { skip },
  () => {
    const root = tempDir('ray-two-cuts');
    const out = runPython(SCRIPT, ['--two-cuts', root]).trim().split('\n');
    fs.rmSync(root, { recursive: true, force: true });
    const { baseExamples, difference } = JSON.parse(out.at(-1)!) as { baseExamples: number; difference: number };
    assert.equal(baseExamples, 5, 'each of the 5 examples went through the base once, for both phases');
    assert.ok(difference < 1e-6, `the head's values differ from its frozen part run directly by ${difference}`);
  },
);
