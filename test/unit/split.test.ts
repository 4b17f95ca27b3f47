import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUTO_TEST_SPLIT } from '../../src/shared/autoFlow';
import { defaultRecipe } from '../../src/shared/recipeDefaults';
import { runSplit, stratifiedSplit } from '../../src/shared/split';

const classes = [
  { name: 'a', files: Array.from({ length: 50 }, (_, i) => `/d/a/${i}.png`) },
  { name: 'b', files: Array.from({ length: 10 }, (_, i) => `/d/b/${i}.png`) },
];

test('split is stratified: each class keeps its share in every part', () => {
  const s = stratifiedSplit(classes, { validationSplit: 0.2, testSplit: 0.1, seed: 1 });
  const count = (part: typeof s.train, label: number) => part.filter((x) => x.label === label).length;
  assert.deepEqual([count(s.validation, 0), count(s.test, 0), count(s.train, 0)], [10, 5, 35]);
  assert.deepEqual([count(s.validation, 1), count(s.test, 1), count(s.train, 1)], [2, 1, 7]);
});

test('split is disjoint and complete', () => {
  const s = stratifiedSplit(classes, { validationSplit: 0.25, testSplit: 0.25, seed: 3 });
  const all = [...s.train, ...s.validation, ...s.test].map((x) => x.path);
  assert.equal(new Set(all).size, 60);
});

test('same seed, same split; another seed, another split; file order does not matter', () => {
  const a = stratifiedSplit(classes, { validationSplit: 0.2, testSplit: 0, seed: 7 });
  const reversed = classes.map((c) => ({ ...c, files: [...c.files].reverse() }));
  const b = stratifiedSplit(reversed, { validationSplit: 0.2, testSplit: 0, seed: 7 });
  const c = stratifiedSplit(classes, { validationSplit: 0.2, testSplit: 0, seed: 8 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.validation, c.validation);
});

test('a tiny class still gets one training image', () => {
  const s = stratifiedSplit([{ name: 'x', files: ['/1', '/2'] }], { validationSplit: 0.5, testSplit: 0.4, seed: 1 });
  assert.equal(s.train.length, 1);
  assert.equal(s.train.length + s.validation.length + s.test.length, 2);
});

test('maxPerClass keeps a seeded subset', () => {
  const s = stratifiedSplit(classes, { validationSplit: 0.2, testSplit: 0, seed: 1, maxPerClass: 5 });
  assert.equal(s.train.length + s.validation.length, 10);
});

test("runSplit: the default recipe's split of the 3 × 30 sample holds out 15 test images; small classes none", () => {
  const sample = ['bag', 'sneaker', 'trouser'].map((name) => ({
    name,
    files: Array.from({ length: 30 }, (_, i) => `/s/${name}/${i}.png`),
  }));
  const { split, testSplit } = runSplit([...sample, { name: 'empty', files: [] }], defaultRecipe('/s'));
  assert.deepEqual(
    [testSplit, split.train.length, split.validation.length, split.test.length],
    [AUTO_TEST_SPLIT, 57, 18, 15],
  );
  // The empty class is left out before labels are given, so the labels are the sample's own.
  assert.deepEqual(split.test, stratifiedSplit(sample, { ...defaultRecipe('/s'), testSplit: AUTO_TEST_SPLIT }).test);
  const small = runSplit(classes, defaultRecipe('/d'));
  assert.deepEqual([small.testSplit, small.split.test.length], [0, 0]);
  assert.equal(runSplit(classes, { ...defaultRecipe('/d'), testSplit: 0.1 }).split.test.length, 6);
});
