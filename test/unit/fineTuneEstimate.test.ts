// The second phase's cost model (issue 29): what an epoch and a trial are estimated to take from the timings
// measured before starting, and what the fit reserves for the next epoch once epochs have run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  augmentedCostsFrom,
  augmentedTrialSeconds,
  epochSeconds,
  nextEpochSeconds,
  trialSeconds,
} from '../../src/shared/fineTuneEstimate';
import { median } from '../../src/shared/stats';

test('the median of the timed repeats ignores one slow outlier', () => {
  assert.equal(median([1.1, 9.5, 1.3]), 1.3);
  assert.equal(median([2, 1, 4, 3]), 2.5);
  assert.equal(median([]), 0);
});

test('an epoch: a step per full batch, the partial batch in proportion (at least half a step), validation', () => {
  const work = { batchSize: 32, stepSeconds: 2, validationExamples: 600, predictSecondsPerExample: 0.01 };
  // 1,950 = 60 full batches + 30 examples: 60 + 30/32 steps.
  assert.equal(epochSeconds({ ...work, trainExamples: 1950 }), (60 + 30 / 32) * 2 + 6);
  assert.equal(epochSeconds({ ...work, trainExamples: 1920 }), 60 * 2 + 6, 'no partial batch');
  assert.equal(epochSeconds({ ...work, trainExamples: 1921 }), 60.5 * 2 + 6, 'one example costs half a step');
  assert.equal(epochSeconds({ ...work, trainExamples: 10 }), 0.5 * 2 + 6, 'fewer examples than a batch');
});

test('an augmented trial: its start once, decoding every image in the first epoch, the unkept ones after', () => {
  const work = {
    trainExamples: 64,
    batchSize: 32,
    stepSeconds: 0,
    validationExamples: 10,
    predictSecondsPerExample: 0.1,
  };
  const costs = {
    startSeconds: 5,
    firstBatchSeconds: 3,
    batchSeconds: 2,
    keptFraction: 1,
    variants: 0,
    replayEpochSeconds: 0.5,
  };
  // Two batches of 2 s and 1 s of validation an epoch; the first epoch's two batches decode, 1 s more each.
  assert.equal(augmentedTrialSeconds(work, costs, 1), 5 + 5 + 2);
  assert.equal(augmentedTrialSeconds(work, costs, 3), 5 + 3 * 5 + 2);
  assert.equal(augmentedTrialSeconds(work, { ...costs, keptFraction: 0.5 }, 3), 5 + 3 * 5 + 2 * (1 + 2 * 0.5));
  assert.equal(augmentedTrialSeconds(work, costs, 0), 5, 'no epoch: the start alone');
  // Two kept passes: epochs 3 to 5 replay them, each at a cached epoch's 0.5 s.
  assert.equal(augmentedTrialSeconds(work, { ...costs, variants: 2 }, 5), 5 + 2 * 5 + 2 + 3 * 0.5);
  assert.equal(augmentedTrialSeconds(work, { ...costs, variants: 2 }, 1), 5 + 5 + 2, 'no epoch replays yet');
});

test('the augmented costs from when each batch of the two measured epochs finished', () => {
  const at = (epoch: number, seconds: number) => ({ epoch, at: 1000 * seconds });
  // Started at 0; the first batch at 9 s, then gaps of 3, 4 and 3 s; validation, then gaps of 2, 2.5, 2 s.
  const done = [at(1, 9), at(1, 12), at(1, 16), at(1, 19), at(2, 21.5), at(2, 23.5), at(2, 26), at(2, 28)];
  const kept = { keptFraction: 0.8, variants: 0, replayEpochSeconds: 1 };
  assert.deepEqual(augmentedCostsFrom(0, done, kept), {
    startSeconds: 6,
    firstBatchSeconds: 3,
    batchSeconds: 2,
    ...kept,
  });
  // One batch an epoch: the first holds the start, the second is timed from the end of the first.
  assert.deepEqual(augmentedCostsFrom(0, [at(1, 9), at(2, 11)], kept), {
    startSeconds: 0,
    firstBatchSeconds: 9,
    batchSeconds: 2,
    ...kept,
  });
});

test('a trial counts its start and its activations once, its epochs each', () => {
  const costs = { startSeconds: 2, computeSeconds: 10, epochSeconds: 30 };
  assert.equal(trialSeconds(costs, 0), 12);
  assert.equal(trialSeconds(costs, 3), 102);
});

test('the next epoch is reserved by the estimate until epochs have run, then by the longer of the last two', () => {
  assert.equal(nextEpochSeconds(68, []), 68);
  assert.equal(nextEpochSeconds(68, [90.7]), 90.7, 'the loaded machine made the first epoch longer');
  assert.equal(nextEpochSeconds(68, [90, 50]), 90);
  assert.equal(nextEpochSeconds(68, [90, 50, 40]), 50, 'only the last two count');
});
