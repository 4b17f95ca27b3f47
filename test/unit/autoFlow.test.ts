// The rules of the automatic default flow, Compare Bases' recommendation and the baselines' verdict: pure
// functions, tested without tfjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AUTO,
  AUTO_HEAD_EPOCH_CAP,
  AUTO_MIN_PATIENCE,
  AUTO_TEST_MIN_PER_CLASS,
  AUTO_TEST_SPLIT,
  autoUnfreezeFrom,
  betterOnValidation,
  headSchedule,
  resolveTestSplit,
} from '../../src/shared/autoFlow';
import type { LayerInfo } from '../../src/shared/engineTypes';
import type { ModelResult } from '../../src/shared/evaluationTypes';
import { defaultRecipe } from '../../src/shared/recipeDefaults';
import { baselineVerdict } from '../../src/trainer/train/baselines';
import { median } from '../../src/trainer/data/kinds/imageBaselines';
import { evaluatePredictions } from '../../src/trainer/train/evaluation';

test('recipes, settings and the right-click flow start automatic: epochs, second phase and test split', () => {
  const r = defaultRecipe('data');
  assert.equal(r.epochs, AUTO);
  assert.equal(r.secondPhase, AUTO);
  assert.equal(r.testSplit, AUTO);
});

test('auto epochs run to a generous cap with the larger patience; a number is taken as it is', () => {
  assert.deepEqual(headSchedule({ epochs: AUTO, patience: 3 }), {
    epochs: AUTO_HEAD_EPOCH_CAP,
    patience: AUTO_MIN_PATIENCE,
  });
  assert.deepEqual(headSchedule({ epochs: AUTO, patience: AUTO_MIN_PATIENCE + 5 }), {
    epochs: AUTO_HEAD_EPOCH_CAP,
    patience: AUTO_MIN_PATIENCE + 5,
  });
  assert.deepEqual(headSchedule({ epochs: 7, patience: 2 }), { epochs: 7, patience: 2 });
});

test('an automatic test split is held out only when every class has enough images', () => {
  assert.equal(resolveTestSplit(AUTO, [AUTO_TEST_MIN_PER_CLASS, 500]), AUTO_TEST_SPLIT);
  assert.equal(resolveTestSplit(AUTO, [AUTO_TEST_MIN_PER_CLASS - 1, 500]), 0);
  assert.equal(resolveTestSplit(0.3, [3, 3]), 0.3, 'an explicit fraction stands');
});

const layer = (name: string, block: string, hasWeights = true): LayerInfo => ({
  index: 0,
  name,
  className: 'Conv2D',
  outputShape: [],
  trainableParams: 1,
  nonTrainableParams: 0,
  hasWeights,
  isBatchNorm: false,
  block,
});

test('the automatic fine-tuning starts at the last two named blocks before the cut', () => {
  const layers = [
    layer('Conv1', ''),
    layer('block_14_expand', 'block_14'),
    layer('block_14_add', 'block_14', false),
    layer('block_15_expand', 'block_15'),
    layer('block_15_project', 'block_15'),
    layer('block_16_expand', 'block_16'),
    layer('Conv_1', ''),
    layer('out_relu', '', false),
    layer('extra', 'extra'),
  ];
  assert.equal(autoUnfreezeFrom(layers, 'out_relu'), 'block_15_expand');
  assert.equal(autoUnfreezeFrom(layers, 'block_16_expand'), 'block_14_expand', 'layers after the cut do not count');
  assert.equal(
    autoUnfreezeFrom(layers.slice(0, 4), 'block_15_expand'),
    undefined,
    'too few blocks: no top to fine-tune alone',
  );
});

test('a trial beats another on validation accuracy, and on loss when accuracy ties', () => {
  assert.ok(betterOnValidation({ valAccuracy: 0.9, valLoss: 0.5 }, { valAccuracy: 0.8, valLoss: 0.1 }));
  assert.ok(betterOnValidation({ valAccuracy: 0.8, valLoss: 0.2 }, { valAccuracy: 0.8, valLoss: 0.3 }));
  assert.ok(!betterOnValidation({ valAccuracy: 0.8, valLoss: 0.3 }, { valAccuracy: 0.8, valLoss: 0.3 }));
});

const result = (accuracy: number): ModelResult => {
  const n = 10;
  const scored = Array.from({ length: n }, (_, i) => ({
    path: `${i}`,
    label: 0,
    probs: i < accuracy * n ? [1, 0] : [0, 1],
  }));
  return {
    history: [],
    evaluation: evaluatePredictions(['a', 'b'], scored),
    evaluatedOn: 'test',
    trainableParams: 0,
    frozenParams: 0,
    trainSeconds: 1,
  };
};

test("the baselines' verdict says plainly when transfer loses", () => {
  assert.match(baselineVerdict(result(0.9), [{ name: 'small CNN', result: result(0.7) }]), /^Transfer wins/);
  assert.match(
    baselineVerdict(result(0.6), [
      { name: 'small CNN', result: result(0.7) },
      { name: 'linear', result: result(0.8) },
    ]),
    /^Transfer loses: linear from scratch/,
  );
  assert.equal(median([28, 25, 300]), 28);
  assert.equal(median([20, 30]), 25);
});
