// The second phase's cost model (issue 29): what an epoch and a trial are estimated to take from the timings
// measured before starting, and what the fit reserves for the next epoch once epochs have run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { augmentedEpochSeconds, epochSeconds, nextEpochSeconds, trialSeconds } from '../../src/shared/fineTuneEstimate';
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

test('an augmented batch costs the longer of producing it and the step on the batch before it', () => {
  const work = {
    trainExamples: 64,
    batchSize: 32,
    stepSeconds: 2,
    validationExamples: 10,
    predictSecondsPerExample: 0.1,
  };
  // Producing 32 examples at 0.1 s takes 3.2 s, longer than the 2 s step: two batches of 3.2 s, validation 1 s.
  assert.equal(augmentedEpochSeconds({ ...work, produceSecondsPerExample: 0.1 }), 2 * 3.2 + 1);
  assert.equal(augmentedEpochSeconds({ ...work, produceSecondsPerExample: 0.01 }), 2 * 2 + 1, 'the step is longer');
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
