// The augmentation on decoded pixels: each change alone against what tf.image does (the ops the augmentation
// ran on before), the draws reproducible from the seed, and the decoded batch left untouched.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Augmentation, Preprocessing } from '../../src/shared/engineTypes';
import { seededRandom } from '../../src/shared/seededRandom';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import type { InputArray } from '../../src/trainer/data/kinds/dataKind';
import { augmentPixels } from '../../src/trainer/data/kinds/imageAugment';
import * as tf from '../../src/trainer/tf';

const UNIT: Preprocessing = { size: [6, 8], channels: 3, scale: 'unit' };
const OFF: Augmentation = { flip: false, rotation: 0, crop: 0, brightness: 0 };

/** A batch of two 6×8×3 images of distinct values in [0, 1). */
function batch(): InputArray {
  const shape = [2, 6, 8, 3];
  const data = Float32Array.from({ length: 2 * 6 * 8 * 3 }, (_, i) => ((i * 37) % 101) / 101);
  return { name: 'pixels', dtype: 'float32', data, shape };
}

/** A generator that returns the given values in turn (the draws of one change, known in advance). */
function values(...v: number[]): () => number {
  let i = 0;
  return () => v[i++ % v.length];
}

function close(actual: Float32Array, expected: Float32Array | number[], tolerance = 1e-5): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tolerance, `at ${i}: ${v} vs ${expected[i]}`));
}

const asTensor = (b: InputArray) => tf.tensor4d(b.data as Float32Array, b.shape as [number, number, number, number]);

before(() => initBackend('wasm'));

test('with every change off the pixels come back as they were, in a new array', () => {
  const b = batch();
  const out = augmentPixels(b, OFF, UNIT, seededRandom(1));
  assert.notEqual(out.data, b.data);
  close(out.data as Float32Array, b.data as Float32Array, 0);
});

test('a flip mirrors the image as tf.image.flipLeftRight, only for draws below one half', () => {
  const b = batch();
  const out = augmentPixels(b, { ...OFF, flip: true }, UNIT, values(0.2, 0.7));
  const flipped = tf.tidy(() => tf.image.flipLeftRight(asTensor(b)).dataSync() as Float32Array);
  const per = 6 * 8 * 3;
  close((out.data as Float32Array).subarray(0, per), flipped.subarray(0, per));
  close((out.data as Float32Array).subarray(per), (b.data as Float32Array).subarray(per));
});

test('a crop reads the box resized back as tf.image.cropAndResize (bilinear)', () => {
  const b = batch();
  // keep = 1 - 0.5 · 0.3 = 0.85 of each side, top 0.25 · 0.15, left 0.75 · 0.15.
  const out = augmentPixels(b, { ...OFF, crop: 0.3 }, UNIT, values(0.5, 0.25, 0.75));
  const box = [0.25 * 0.15, 0.75 * 0.15, 0.25 * 0.15 + 0.85, 0.75 * 0.15 + 0.85];
  const expected = tf.tidy(
    () => tf.image.cropAndResize(asTensor(b), [box, box], [0, 1], [6, 8]).dataSync() as Float32Array,
  );
  close(out.data as Float32Array, expected);
});

test('a rotation by a right angle matches tf.image.rotateWithOffset, with the fill outside', () => {
  const square: InputArray = { ...batch(), shape: [1, 8, 8, 3] };
  square.data = square.data.slice(0, 8 * 8 * 3);
  // A fill no pixel has marks where tf puts it (its WASM kernel cannot fill with a negative value: -1 came
  // back as 2³², so symmetric scaling is checked against the marks).
  const marked = tf.tidy(() => tf.image.rotateWithOffset(asTensor(square), Math.PI / 2, 7).dataSync() as Float32Array);
  assert.ok(marked.some((v) => v === 7) && marked.some((v) => v !== 7), 'part of the image rotated out');
  for (const prep of [UNIT, { ...UNIT, scale: 'symmetric' as const }]) {
    const fill = prep.scale === 'symmetric' ? -1 : 0;
    // rotation 90, draw 1: (1 · 2 - 1) · 90 degrees.
    const out = augmentPixels(square, { ...OFF, rotation: 90 }, prep, values(1));
    close(
      out.data as Float32Array,
      Array.from(marked, (v) => (v === 7 ? fill : v)),
    );
  }
});

test('brightness shifts every pixel by one draw per image and clips to the value range', () => {
  const b = batch();
  // delta = (0.9 · 2 - 1) · 0.5 · range 1 = 0.4 for the first image, (0.1 · 2 - 1) · 0.5 = -0.4 the second.
  const out = augmentPixels(b, { ...OFF, brightness: 0.5 }, UNIT, values(0.9, 0.1));
  const per = 6 * 8 * 3;
  const expected = Array.from(b.data, (v, i) => Math.min(1, Math.max(0, v + (i < per ? 0.4 : -0.4))));
  close(out.data as Float32Array, expected);
});

test('the same seed gives the same pixels, another seed others, and the input is not changed', () => {
  const b = batch();
  const copy = Float32Array.from(b.data);
  const a: Augmentation = { flip: true, rotation: 15, crop: 0.2, brightness: 0.1 };
  const one = augmentPixels(b, a, UNIT, seededRandom(7)).data;
  close(augmentPixels(b, a, UNIT, seededRandom(7)).data as Float32Array, one as Float32Array, 0);
  assert.ok(augmentPixels(b, a, UNIT, seededRandom(8)).data.some((v, i) => v !== one[i]));
  close(b.data as Float32Array, copy, 0);
});
