// The automatic phases' plateau rule (issue 24): an improvement is a relative drop of validation loss, the
// epochs of such a phase are a cap rather than a plan, and progress says which rule will stop it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import { AUTO_MIN_RELATIVE_IMPROVEMENT, improves } from '../../src/shared/autoFlow';
import type { ProgressEvent } from '../../src/shared/engineTypes';
import type { EpochMetrics } from '../../src/shared/evaluationTypes';
import { epochLabel, epochLine } from '../../src/shared/epochLine';
import type { Sample } from '../../src/shared/split';
import * as tf from '../../src/trainer/tf';
import { keptEpoch } from '../../src/trainer/train/autoFineTune';
import { featureSource } from '../../src/trainer/train/batchSources';
import { fit } from '../../src/trainer/train/fitLoop';

const epoch = (n: number, valLoss: number): EpochMetrics => ({
  phase: 1,
  epoch: n,
  loss: 0,
  accuracy: 0,
  valLoss,
  valAccuracy: 0.5,
  seconds: 0,
});

test('a creeping loss improves under the absolute threshold but not under the relative one', () => {
  // 0.3 → 0.2995 is 0.17 %: more than 1e-4 absolute, less than 1 % relative.
  assert.equal(improves(0.2995, 0.3), true);
  assert.equal(improves(0.2995, 0.3, AUTO_MIN_RELATIVE_IMPROVEMENT), false);
  assert.equal(improves(0.29, 0.3, AUTO_MIN_RELATIVE_IMPROVEMENT), true);
  assert.equal(improves(5, Infinity, AUTO_MIN_RELATIVE_IMPROVEMENT), true);
});

test('the kept epoch is the last one that counted as an improvement under the same rule', () => {
  const history = [epoch(1, 1), epoch(2, 0.5), epoch(3, 0.499), epoch(4, 0.6)];
  assert.equal(keptEpoch(history, true)?.epoch, 3);
  assert.equal(keptEpoch(history, true, AUTO_MIN_RELATIVE_IMPROVEMENT)?.epoch, 2);
  assert.equal(keptEpoch(history, false, AUTO_MIN_RELATIVE_IMPROVEMENT)?.epoch, 4);
});

test('an open-ended epoch names its stopping rule instead of the cap', () => {
  assert.equal(epochLabel('transfer', 1, 12, 300, 10), 'epoch 12 (stops after 10 without improvement)');
  assert.equal(epochLabel('transfer', 2, 1, 15, 3), 'phase 2 epoch 1 (stops after 3 without improvement)');
  assert.equal(epochLabel('transfer', 1, 3, 10), 'epoch 3/10');
});

test('a fit with the relative rule stops on a plateau and its progress carries the rule', async () => {
  await tf.setBackend('cpu');
  // One in four labels disagrees with its feature: the loss falls towards a floor by ever smaller steps.
  const samples: Sample[] = Array.from({ length: 32 }, (_, i) => ({ path: `s${i}`, label: i % 2 }));
  const features = new Map(
    samples.map((s, i) => [s.path, Float32Array.of((s.label ? 1 : -1) * (i % 4 ? 1 : -1), 0.5)]),
  );
  const run = async (relative?: number) => {
    const input = tf.input({ shape: [2] });
    const dense = tf.layers.dense({
      units: 2,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    });
    const model = tf.model({ inputs: input, outputs: dense.apply(input) as tf.SymbolicTensor });
    const events: ProgressEvent[] = [];
    const result = await fit({
      model,
      which: 'transfer',
      phase: 1,
      epochs: 200,
      learningRate: 0.05,
      patience: 5,
      relativeImprovement: relative,
      train: featureSource(samples, features, [2], 2, 32, 1),
      validation: featureSource(samples, features, [2], 2, 32, 1),
      signal: { isCancellationRequested: false },
      emit: (e) => events.push(e),
      afterEpoch: async () => '',
    });
    model.dispose();
    return { result, events };
  };
  const absolute = await run();
  const relative = await run(AUTO_MIN_RELATIVE_IMPROVEMENT);
  assert.equal(relative.result.stoppedEarly, true);
  assert.ok(
    relative.result.history.length < absolute.result.history.length,
    `relative ${relative.result.history.length} epochs, absolute ${absolute.result.history.length}`,
  );
  const last = relative.events.filter((e) => e.kind === 'epoch').pop();
  assert.ok(last?.kind === 'epoch' && epochLine(last).includes('(stops after 5 without improvement)'));
  assert.ok(absolute.events.some((e) => e.kind === 'epoch' && epochLine(e).startsWith('epoch 1/200')));
});
