import assert from 'node:assert/strict';
import { test } from 'node:test';
import { meanSpread } from '../../src/shared/stats';

const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);

test('meanSpread: the mean, the sample standard deviation (n − 1) and the standard error of the mean', () => {
  // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum to 32, so sd √(32/7) and SE sd/√8.
  const s = meanSpread([2, 4, 4, 4, 5, 5, 7, 9]);
  near(s.mean, 5);
  near(s.sd, Math.sqrt(32 / 7));
  near(s.standardError, Math.sqrt(32 / 7) / Math.sqrt(8));
  assert.deepEqual(meanSpread([0.3]), { mean: 0.3, sd: 0, standardError: 0 });
  assert.deepEqual(meanSpread([]), { mean: 0, sd: 0, standardError: 0 });
});
