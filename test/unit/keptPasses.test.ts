// Kept augmented passes: epochs 1..K stream (and record) what the source gives; later epochs replay a
// recorded pass reshuffled, without asking the source; a resumed run past K replays the same batches.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Augmentation } from '../../src/shared/engineTypes';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { SkipList } from '../../src/trainer/data/batchStream';
import * as tf from '../../src/trainer/tf';
import { imageSource } from '../../src/trainer/train/batchSources';
import type { BatchSource } from '../../src/trainer/train/fitLoop';
import { keptOnce, keptTrainingPasses } from '../../src/trainer/train/keptPasses';
import { digitSamples } from '../helpers/smallData';

const PREP = { size: [28, 28] as [number, number], channels: 1 as const, scale: 'unit' as const };
const AUGMENTATION: Augmentation = { flip: true, rotation: 10, crop: 0.1, brightness: 0.1 };

interface Seen {
  /** Per batch: the example paths in order. */
  order: string[][];
  /** Pixels by example path. */
  rows: Map<string, number[]>;
  /** One-hot label index by example path. */
  labels: Map<string, number>;
}

/** The real augmented image source, counting which epochs it was asked for. */
function counted(asked: number[], validation = false): BatchSource {
  const samples = validation ? digitSamples(8, 3) : digitSamples(0, 6);
  const s = imageSource(samples, PREP, 5, 8, 1, new SkipList(), validation ? undefined : AUGMENTATION);
  return { ...s, batches: (epoch) => (asked.push(epoch), s.batches(epoch)) };
}

async function pass(source: BatchSource, epoch: number): Promise<Seen> {
  const seen: Seen = { order: [], rows: new Map(), labels: new Map() };
  for await (const b of source.batches(epoch)) {
    const x = (await (b.x as tf.Tensor).array()) as number[][][][];
    const labels = tf.argMax(b.y, -1);
    const y = (await labels.array()) as number[];
    seen.order.push(b.samples.map((s) => s.path));
    b.samples.forEach((s, i) => {
      seen.rows.set(s.path, x[i].flat(2));
      seen.labels.set(s.path, y[i]);
    });
    tf.dispose([b.x as tf.Tensor, b.y, labels]);
  }
  return seen;
}

before(() => initBackend('wasm'));

test('epochs 1..K are the source own; later epochs replay pass ((epoch - 1) mod K) + 1 reshuffled', async () => {
  const tensors = tf.memory().numTensors;
  const asked: number[] = [];
  const kept = keptTrainingPasses(counted(asked), 2);
  const plain = counted([]);
  const epochs: Seen[] = [];
  for (let e = 1; e <= 5; e++) epochs.push(await pass(kept, e));
  assert.deepEqual(asked, [1, 2], 'the source is asked for the first two epochs only');
  for (const e of [1, 2]) assert.deepEqual(epochs[e - 1], await pass(plain, e), `epoch ${e} as the source gives it`);
  assert.notDeepEqual(epochs[0].rows, epochs[1].rows, 'two passes, two augmentations');
  for (const [e, p] of [
    [3, 1],
    [4, 2],
    [5, 1],
  ]) {
    const [got, from] = [epochs[e - 1], epochs[p - 1]];
    assert.deepEqual(got.rows, from.rows, `epoch ${e} has pass ${p}'s pixels`);
    assert.deepEqual(got.labels, from.labels, `epoch ${e} has pass ${p}'s labels`);
    assert.deepEqual(
      got.order.map((b) => b.length),
      from.order.map((b) => b.length),
      'same batch sizes',
    );
    assert.notDeepEqual(got.order, from.order, `epoch ${e} is reshuffled`);
  }
  assert.notDeepEqual(epochs[2].order, epochs[4].order, 'each replay has its own order');
  assert.equal(tf.memory().numTensors, tensors, 'replayed batches leave no tensor behind');
});

test('a run resumed past the kept epochs computes the pass it needs and replays the same batches', async () => {
  const first = keptTrainingPasses(counted([]), 2);
  for (let e = 1; e <= 3; e++) await pass(first, e);
  const uninterrupted = await pass(first, 4);
  const asked: number[] = [];
  const resumed = await pass(keptTrainingPasses(counted(asked), 2), 4);
  assert.deepEqual(asked, [2], 'only pass 2 is computed');
  assert.deepEqual(resumed, uninterrupted);
});

test('0 kept passes asks the source every epoch', async () => {
  const asked: number[] = [];
  const kept = keptTrainingPasses(counted(asked), 0);
  for (let e = 1; e <= 3; e++) await pass(kept, e);
  assert.deepEqual(asked, [1, 2, 3]);
});

test('a validation pass is recorded once and replayed as it was', async () => {
  const asked: number[] = [];
  const kept = keptOnce(counted(asked, true));
  const a = await pass(kept, 0);
  const b = await pass(kept, 0);
  assert.deepEqual(asked, [0]);
  assert.deepEqual(b, a);
  assert.equal(a.rows.size, 15);
});
