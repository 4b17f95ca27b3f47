// A local run's timings come from its progress events: each stage's wall time lands in one of the four
// figures, and time spent saving lands in none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProgressEvent } from '../../src/shared/engineTypes';
import { timingClock } from '../../src/shared/runTimings';

test('stage, batch and epoch events split the wall time into start-up, features, training and evaluation', () => {
  let now = 1_000;
  const clock = timingClock(() => now);
  const at = (ms: number, e: ProgressEvent) => {
    now = ms;
    clock.observe(e);
  };
  const batch = { kind: 'batch', model: 'transfer', phase: 1, epoch: 1, epochs: 1, batch: 1, batches: 1 } as const;
  const rates = { loss: 1, accuracy: 0, imagesPerSec: 1, etaSeconds: 0 };
  at(1_500, { kind: 'stage', stage: 'loading-base' });
  at(3_000, { kind: 'stage', stage: 'caching-features', done: 0, total: 10 });
  at(4_000, { kind: 'stage', stage: 'caching-features', done: 10, total: 10 });
  at(7_000, { kind: 'log', level: 'info', message: 'features cached' });
  at(8_000, { kind: 'stage', stage: 'training' });
  at(9_000, { ...batch, ...rates });
  // The second phase computes its activations, then trains again.
  at(10_000, { kind: 'stage', stage: 'caching-features', done: 0, total: 10 });
  at(12_500, { ...batch, phase: 2, ...rates });
  at(14_000, { kind: 'stage', stage: 'evaluating' });
  at(14_750, { kind: 'stage', stage: 'saving' });
  now = 20_000;
  assert.deepEqual(clock.timings(), { startup: 2, features: 7.5, training: 3.5, evaluation: 0.75 });
});
