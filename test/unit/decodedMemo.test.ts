// Decoded examples kept between epochs: decoded once while the budget lasts, returned in the batch's order,
// the undecodable left out, and the rest decoded every time once the budget is spent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample } from '../../src/shared/split';
import { DecodedMemo } from '../../src/trainer/data/decodedMemo';
import type { DecodedBatch } from '../../src/trainer/data/kinds/dataKind';

const sample = (i: number): Sample => ({ path: `/d/${i}.png`, label: i % 2 });

/** A decoder of 2×2 "images" whose pixels are the example's number; `bad` ones are left out. Counts calls. */
function decoder(bad = new Set<number>()) {
  const decoded: number[] = [];
  const decode = async (samples: Sample[]): Promise<DecodedBatch> => {
    const ok = samples.filter((s) => !bad.has(Number(/\d+/.exec(s.path)![0])));
    ok.forEach((s) => decoded.push(Number(/\d+/.exec(s.path)![0])));
    const data = Float32Array.from(ok.flatMap((s) => Array(4).fill(Number(/\d+/.exec(s.path)![0]))));
    return { inputs: [{ name: 'pixels', dtype: 'float32', data, shape: [ok.length, 2, 2, 1] }], samples: ok };
  };
  return { decode, decoded };
}

const values = (b: DecodedBatch) => Array.from(b.inputs[0].data).filter((_, i) => i % 4 === 0);

test('examples are decoded once and come back in each batch order', async () => {
  const memo = new DecodedMemo();
  const d = decoder();
  const first = await memo.batch([0, 1, 2, 3].map(sample), d.decode);
  assert.deepEqual(values(first), [0, 1, 2, 3]);
  assert.deepEqual(first.inputs[0].shape, [4, 2, 2, 1]);
  const again = await memo.batch([3, 1, 1, 0].map(sample), d.decode);
  assert.deepEqual(values(again), [3, 1, 1, 0]);
  assert.deepEqual(
    again.samples.map((s) => s.path),
    [3, 1, 1, 0].map((i) => sample(i).path),
  );
  const mixed = await memo.batch([4, 2].map(sample), d.decode);
  assert.deepEqual(values(mixed), [4, 2]);
  assert.deepEqual(d.decoded, [0, 1, 2, 3, 4], 'each example decoded once');
});

test('an undecodable example is left out of every batch', async () => {
  const memo = new DecodedMemo();
  const d = decoder(new Set([1]));
  for (let epoch = 0; epoch < 2; epoch++) {
    const b = await memo.batch([0, 1, 2].map(sample), d.decode);
    assert.deepEqual(values(b), [0, 2]);
    assert.deepEqual(b.inputs[0].shape, [2, 2, 2, 1]);
  }
  const none = await memo.batch([sample(1)], d.decode);
  assert.deepEqual(none.samples, []);
});

test('past the byte budget examples are decoded again each time, the kept ones not', async () => {
  // 16 bytes per example: a budget of 40 keeps two.
  const memo = new DecodedMemo(40);
  const d = decoder();
  await memo.batch([0, 1, 2].map(sample), d.decode);
  assert.equal(memo.size, 2);
  const b = await memo.batch([2, 0, 1].map(sample), d.decode);
  assert.deepEqual(values(b), [2, 0, 1]);
  assert.deepEqual(d.decoded, [0, 1, 2, 2]);
});
