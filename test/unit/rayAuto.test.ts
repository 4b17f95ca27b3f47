// The automatic words on a Ray cluster: resolved to what the job can run, and said in the log.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUTO_HEAD_EPOCH_CAP, AUTO_MIN_PATIENCE, AUTO_TEST_SPLIT } from '../../src/shared/autoFlow';
import { defaultRecipe } from '../../src/shared/recipeDefaults';
import { resolveAutoForRay } from '../../src/trainer/ray/rayAuto';

test('the default recipe on Ray: head schedule, the local test rule, no automatic fine-tuning, each said', () => {
  const { recipe, notes } = resolveAutoForRay(defaultRecipe('data'), [30, 40]);
  assert.equal(recipe.epochs, AUTO_HEAD_EPOCH_CAP);
  assert.equal(recipe.patience, Math.max(defaultRecipe('data').patience, AUTO_MIN_PATIENCE));
  assert.equal(recipe.testSplit, AUTO_TEST_SPLIT);
  assert.equal(recipe.secondPhase, undefined);
  assert.equal(notes.length, 3);
  assert.ok(notes.some((n) => n.includes('secondPhase auto')));
});

test('explicit values on Ray pass through unchanged, with nothing to say', () => {
  const explicit = { unfreezeFrom: 'block_16_expand', epochs: 4, learningRate: 1e-4 };
  const written = { ...defaultRecipe('data'), epochs: 7, patience: 2, testSplit: 0.1, secondPhase: explicit };
  const { recipe, notes } = resolveAutoForRay(written, [5, 5]);
  assert.deepEqual([recipe.epochs, recipe.patience, recipe.testSplit, recipe.secondPhase], [7, 2, 0.1, explicit]);
  assert.deepEqual(notes, []);
});

test('testSplit auto on Ray with a small class holds nothing out', () => {
  assert.equal(resolveAutoForRay(defaultRecipe('data'), [30, 5]).recipe.testSplit, 0);
});
