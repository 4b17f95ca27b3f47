// Dropout must drop different units on different steps and still replay exactly from the run's seed
// (tfjs-layers' own Dropout, given a seed, dropped the same units on every step).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '../../src/trainer/tf';
import { StreamDropout, streamDropout } from '../../src/trainer/models/streamDropout';

/** Which of 256 units each of `steps` training calls kept, as strings of 0/1. */
function masks(layer: tf.layers.Layer, steps: number): string[] {
  return tf.tidy(() => {
    const ones = tf.ones([1, 256]);
    return Array.from({ length: steps }, () =>
      [...(layer.apply(ones, { training: true }) as tf.Tensor).dataSync()].map((v) => (v > 0 ? 1 : 0)).join(''),
    );
  });
}

test('a new mask on every training call, the same sequence from the same seed, none at inference', async () => {
  await tf.setBackend('cpu');
  const seen = masks(streamDropout({ rate: 0.5, seed: 42 }), 5);
  assert.equal(new Set(seen).size, 5, 'five steps, five different masks');
  assert.deepEqual(masks(streamDropout({ rate: 0.5, seed: 42 }), 5), seen, 'reproducible from the seed');
  assert.notDeepEqual(masks(streamDropout({ rate: 0.5, seed: 43 }), 5), seen);
  // A second replica's stream (data-parallel steps): its own masks, reproducible too.
  const replica = () => {
    const l = streamDropout({ rate: 0.5, seed: 42 });
    l.useStream(1);
    return masks(l, 5);
  };
  const other = replica();
  assert.ok(other.every((m, i) => m !== seen[i]));
  assert.deepEqual(replica(), other);
  const kept =
    seen
      .join('')
      .split('')
      .filter((c) => c === '1').length /
    (5 * 256);
  assert.ok(kept > 0.4 && kept < 0.6, `kept ${kept} of the units at rate 0.5`);
  const x = tf.randomNormal([2, 8], 0, 1, 'float32', 1);
  const atInference = streamDropout({ rate: 0.5, seed: 42 }).apply(x, { training: false }) as tf.Tensor;
  assert.deepEqual([...atInference.dataSync()], [...x.dataSync()]);
});

test('saved as a standard Dropout and loaded back as this one', async () => {
  await tf.setBackend('cpu');
  const input = tf.input({ shape: [8] });
  const out = streamDropout({ rate: 0.3, seed: 7, name: 'head_dropout' }).apply(input) as tf.SymbolicTensor;
  const topology = tf.model({ inputs: input, outputs: out }).toJSON(null, false) as tf.io.ModelJSON['modelTopology'];
  const { layers } = (topology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } })
    .config;
  const layer = layers.find((l) => l.config.name === 'head_dropout')!;
  assert.equal(layer.class_name, 'Dropout');
  assert.equal(layer.config.rate, 0.3);
  assert.equal(layer.config.seed, 7);
  const loaded = await tf.models.modelFromJSON({ modelTopology: topology });
  assert.ok(loaded.getLayer('head_dropout') instanceof StreamDropout);
});
