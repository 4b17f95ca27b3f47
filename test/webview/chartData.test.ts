// The progress events → chart series conversion (no browser needed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProgressEvent } from '../../src/shared/engineTypes';
import { alignSeries, curvesOfHistory, TrainingCurves } from '../../webview/chartData';

const batch = (model: 'transfer' | 'scratch', phase: 1 | 2, epoch: number, b: number, loss: number): ProgressEvent => ({
  kind: 'batch',
  model,
  phase,
  epoch,
  epochs: 2,
  batch: b,
  batches: 4,
  loss,
  accuracy: 1 - loss,
  imagesPerSec: 10,
  etaSeconds: 5,
});
const epochEnd = (model: 'transfer' | 'scratch', phase: 1 | 2, epoch: number, loss: number): ProgressEvent => ({
  kind: 'epoch',
  model,
  epochs: 2,
  checkpoint: '/c',
  metrics: { phase, epoch, loss, accuracy: 0.5, valLoss: loss + 0.1, valAccuracy: 0.4, seconds: 1 },
});

test('batches sit at fractions of an epoch; the second phase continues the axis and is marked', () => {
  const c = new TrainingCurves();
  for (const e of [1, 2]) {
    for (let b = 1; b <= 4; b++) c.add(batch('transfer', 1, e, b, 1));
    c.add(epochEnd('transfer', 1, e, 1));
  }
  for (let b = 1; b <= 4; b++) c.add(batch('transfer', 2, 1, b, 0.5));
  c.add(epochEnd('transfer', 2, 1, 0.5));
  assert.deepEqual(c.transfer.batchLoss.x, [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3]);
  assert.deepEqual(c.transfer.loss.x, [1, 2, 3]);
  assert.deepEqual(c.transfer.valLoss.y, [1.1, 1.1, 0.6]);
  assert.equal(c.phase2Start, 2);
  assert.equal(c.batchPoints, 12);
  assert.equal(c.stats.phase, 2);
  assert.equal(c.hasScratch, false);
});

test('the smoothed batch curve starts at the first value and follows a step with lag', () => {
  const c = new TrainingCurves();
  c.add(batch('transfer', 1, 1, 1, 2));
  c.add(batch('transfer', 1, 1, 2, 2));
  c.add(batch('transfer', 1, 1, 3, 0));
  const y = c.transfer.batchLoss.y;
  assert.ok(Math.abs(y[0] - 2) < 1e-12 && Math.abs(y[1] - 2) < 1e-12, `bias-corrected start: ${y}`);
  assert.ok(y[2] > 1 && y[2] < 2, `lags the step: ${y[2]}`);
});

test('a repeated epoch (a resumed run) replaces its point instead of going back in x', () => {
  const c = curvesOfHistory([
    { phase: 1, epoch: 1, loss: 1, accuracy: 0.1, valLoss: 1, valAccuracy: 0.1, seconds: 1 },
    { phase: 1, epoch: 2, loss: 0.9, accuracy: 0.2, valLoss: 1, valAccuracy: 0.2, seconds: 1 },
    { phase: 1, epoch: 2, loss: 0.8, accuracy: 0.3, valLoss: 1, valAccuracy: 0.3, seconds: 1 },
  ]);
  assert.deepEqual(c.loss.x, [1, 2]);
  assert.deepEqual(c.loss.y, [1, 0.8]);
});

test('series are aligned on one sorted x column with gaps where a series has no point', () => {
  const aligned = alignSeries([
    { x: [0.5, 1, 1.5, 2], y: [4, 3, 2, 1] },
    { x: [1, 2], y: [30, 10] },
    { x: [], y: [] },
  ]);
  assert.deepEqual(aligned, [
    [0.5, 1, 1.5, 2],
    [4, 3, 2, 1],
    [null, 30, null, 10],
    [null, null, null, null],
  ]);
});

test('the scratch twin gets its own curves', () => {
  const c = new TrainingCurves();
  c.add(epochEnd('transfer', 1, 1, 1));
  c.add(batch('scratch', 1, 1, 4, 2));
  c.add(epochEnd('scratch', 1, 1, 2));
  assert.equal(c.hasScratch, true);
  assert.deepEqual(c.scratch.loss.x, [1]);
  assert.deepEqual(c.transfer.loss.x, [1]);
});
