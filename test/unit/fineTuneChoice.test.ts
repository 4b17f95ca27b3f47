// The automatic flow runs the largest second phase the budget left affords (issue 29): the top blocks for at
// least MIN_AFFORDABLE_EPOCHS, else the top block alone, else whichever affords the most whole epochs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  affordableEpochs,
  fineTuneChoice,
  MIN_AFFORDABLE_EPOCHS,
  type TopPlan,
} from '../../src/trainer/train/fineTunePlan';

function plan(topBlocks: number, computeSeconds: number, epochSeconds: number): TopPlan {
  return {
    topBlocks,
    from: `block_${topBlocks}`,
    name: `top ${topBlocks}`,
    detail: '',
    startSeconds: 0,
    computeSeconds,
    cached: 0,
    epochSeconds,
    work: {
      trainExamples: 1,
      batchSize: 1,
      stepSeconds: epochSeconds,
      validationExamples: 0,
      predictSecondsPerExample: 0,
    },
    estimate: (epochs) => computeSeconds + epochs * epochSeconds,
  };
}

test('whole epochs after the bottom pass, never negative', () => {
  assert.equal(affordableEpochs(plan(2, 10, 20), 75), 3);
  assert.equal(affordableEpochs(plan(2, 100, 20), 75), 0);
  assert.equal(MIN_AFFORDABLE_EPOCHS, 3);
});

test('the most blocks that afford the full phase; else the top block; else the most epochs that fit', () => {
  const two = plan(2, 0, 20);
  const one = plan(1, 50, 5);
  assert.equal(fineTuneChoice([two, one], 70)?.plan, two, 'activations cached: three epochs of two blocks fit');
  assert.deepEqual(fineTuneChoice([two, one], 70)?.epochs, undefined, 'the full phase: its own epoch cap');
  assert.equal(fineTuneChoice([plan(2, 0, 30), one], 70)?.plan, one, 'two blocks afford 2 epochs, one block 4');
  const short = fineTuneChoice([plan(2, 0, 30), plan(1, 60, 5)], 70);
  assert.deepEqual([short?.plan.topBlocks, short?.epochs], [2, 2], 'fewer epochs of the plan affording most');
  assert.equal(fineTuneChoice([plan(2, 0, 80), plan(1, 100, 5)], 70), undefined, 'not one epoch fits');
  assert.equal(fineTuneChoice([], 70), undefined);
});
