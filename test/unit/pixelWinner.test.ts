// A run that keeps a pixel baseline writes a recipe.json for that model: mode source, the model, its input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recipeProblems } from '../../src/shared/recipeChecks';
import { DEFAULT_AUGMENTATION, defaultRecipe } from '../../src/shared/recipeDefaults';
import { keptPixelRecipe } from '../../src/trainer/train/pixelWinner';

test("a kept pixel baseline's recipe trains that model from scratch on the same data, split and seed", () => {
  const recipe = { ...defaultRecipe('data'), augmentation: DEFAULT_AUGMENTATION, seed: 7 };
  for (const kind of ['pixels-linear', 'pixels-mlp'] as const) {
    const kept = keptPixelRecipe(recipe, {
      trial: { name: kind, kind, detail: '', epochs: 3, seconds: 1, outcome: 'kept', reason: '' },
      prep: { size: [28, 28], channels: 1, scale: 'unit' },
    });
    assert.deepEqual(recipeProblems(kept), []);
    assert.equal(kept.mode, 'source');
    assert.equal(kept.sourceModel, kind);
    assert.deepEqual([kept.inputSize, kept.inputChannels], [[28, 28], 1]);
    assert.deepEqual([kept.data, kept.seed, kept.validationSplit, kept.testSplit], ['data', 7, 0.2, 'auto']);
    assert.equal(kept.secondPhase, undefined, 'the pixel trials had no second phase');
    assert.equal(kept.augmentation, undefined, 'nor augmentation');
  }
});
