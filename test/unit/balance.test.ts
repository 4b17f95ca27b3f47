// Balanced sampling: past the imbalance ratio, every class is drawn as often as the largest each epoch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IMBALANCE_RATIO } from '../../src/trainer/data/datasetScanner';
import type { Sample } from '../../src/shared/split';
import { seededRandom } from '../../src/shared/seededRandom';
import { balancedLength, balancedOrder, needsBalancing } from '../../src/trainer/train/balance';

const samples = (counts: number[]): Sample[] =>
  counts.flatMap((n, label) => Array.from({ length: n }, (_, i) => ({ path: `${label}/${i}`, label })));

test('classes within the ratio are left alone; beyond it they are balanced', () => {
  assert.equal(needsBalancing(samples([10, 10 * IMBALANCE_RATIO])), false);
  assert.equal(needsBalancing(samples([10, 10 * IMBALANCE_RATIO + 1])), true);
});

test('a balanced epoch draws each class as often as the largest, every image of a small class at least once', () => {
  const s = samples([40, 5, 3]);
  const order = balancedOrder(s, seededRandom(1));
  assert.equal(order.length, balancedLength(s));
  assert.equal(order.length, 120);
  for (const label of [0, 1, 2]) {
    const drawn = order.filter((x) => x.label === label);
    assert.equal(drawn.length, 40);
    assert.equal(new Set(drawn.map((x) => x.path)).size, s.filter((x) => x.label === label).length);
  }
  assert.deepEqual(balancedOrder(s, seededRandom(1)), order, 'the same seed gives the same epoch');
});
