import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluatePredictions } from '../../src/trainer/train/evaluation';

test('confusion matrix, precision, recall and F1 match a hand computation', () => {
  const p = (label: number, predicted: number, path = `${label}-${predicted}`) => ({
    path,
    label,
    probs: [0, 1, 2].map((c) => (c === predicted ? 0.8 : 0.1)),
  });
  // actual a: 3 right, 1 as b; actual b: 2 right; actual c: 1 right, 2 as a.
  const e = evaluatePredictions(
    ['a', 'b', 'c'],
    [p(0, 0), p(0, 0), p(0, 0), p(0, 1), p(1, 1), p(1, 1), p(2, 2), p(2, 0), p(2, 0, 'x')],
  );
  assert.deepEqual(e.confusion, [
    [3, 1, 0],
    [0, 2, 0],
    [2, 0, 1],
  ]);
  assert.equal(e.accuracy, 6 / 9);
  assert.equal(e.count, 9);
  const a = e.perClass[0];
  assert.equal(a.precision, 3 / 5);
  assert.equal(a.recall, 3 / 4);
  assert.ok(Math.abs(a.f1 - (2 * 0.6 * 0.75) / 1.35) < 1e-12);
  assert.equal(e.perClass[1].precision, 2 / 3);
  assert.equal(e.perClass[2].recall, 1 / 3);
  assert.equal(e.misclassified.length, 3);
  assert.deepEqual(e.misclassified.map((m) => `${m.actual}->${m.predicted}`).sort(), ['a->b', 'c->a', 'c->a']);
});

test('a class never predicted has precision 0, not NaN', () => {
  const e = evaluatePredictions(['a', 'b'], [{ path: 'p', label: 1, probs: [0.9, 0.1] }]);
  assert.equal(e.perClass[1].precision, 0);
  assert.equal(e.perClass[1].f1, 0);
  assert.equal(e.accuracy, 0);
});
