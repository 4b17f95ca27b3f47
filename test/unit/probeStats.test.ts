// Compare Bases' numbers: Wilson intervals that stay honest at 0% and 100%, and a paired (McNemar) comparison
// of bases scored on the same images deciding which count as tied with the best.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comparePaired, mcnemarExact, wilsonInterval } from '../../src/shared/pairedStats';
import { accuracyWithInterval, probeAccuracy, recommendBase, type ProbeRow } from '../../src/shared/probeRules';

const close = (a: number, b: number, tol = 5e-4) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('Wilson intervals: wide at 0 of 10 and 27 of 27, never beyond [0, 1], narrowing with n', () => {
  const [lo0, hi0] = wilsonInterval(0, 10);
  assert.equal(lo0, 0);
  close(hi0, 0.2775);
  const [lo27, hi27] = wilsonInterval(27, 27);
  assert.equal(hi27, 1);
  close(lo27, 0.8754);
  const [lo, hi] = wilsonInterval(50, 100);
  close(lo, 0.4038);
  close(hi, 0.5962);
  const [loBig, hiBig] = wilsonInterval(500, 1000);
  assert.ok(hiBig - loBig < hi - lo);
  assert.deepEqual(wilsonInterval(0, 0), [0, 1]);
});

test('exact McNemar: only the discordant images count, two-sided', () => {
  close(mcnemarExact(0, 6), 0.03125, 1e-12);
  close(mcnemarExact(1, 5), 0.21875, 1e-12);
  assert.equal(mcnemarExact(3, 3), 1);
  assert.equal(mcnemarExact(0, 0), 1);
  assert.equal(mcnemarExact(6, 0), mcnemarExact(0, 6));
  assert.ok(mcnemarExact(0, 200) < 1e-50);
  const c = comparePaired([true, true, false, null, true], [true, false, true, true, false]);
  assert.deepEqual(c, { both: 4, onlyA: 2, onlyB: 1, p: mcnemarExact(2, 1) });
});

/** A base whose probe got `right` of the images listed right, in the same image order for every base. */
const row = (base: string, correct: boolean[], secondsPerImage: number): ProbeRow => ({
  base,
  title: base,
  featureLayer: 'f',
  ...probeAccuracy(correct),
  correct,
  secondsPerImage,
  extractionSeconds: 0,
  params: 1e6,
  bytes: 0,
});
const outcomes = (n: number, wrong: number[]) => Array.from({ length: n }, (_, i) => !wrong.includes(i));

test('the cheaper base is recommended when the paired test cannot tell it from the best', () => {
  // 27 images: the big base misses none, the small one misses two: 2 discordant images, p = 0.5.
  const big = row('big', outcomes(27, []), 0.2);
  const small = row('small', outcomes(27, [3, 9]), 0.05);
  const tied = recommendBase([big, small]);
  assert.equal(tied.recommended, 'small');
  assert.match(tied.reason, /not significantly worse .* same 27 images .* p = 0\.50/);
  assert.equal(accuracyWithInterval(big), '100.0% (87.5–100.0%, n = 27)');
});

test('a base the paired test finds worse is not tied, even where the two intervals overlap', () => {
  // 60 images: the small base misses 8 more than the big one and never wins one: p ≈ 0.008.
  const big = row('big', outcomes(60, [0, 1]), 0.2);
  const small = row('small', outcomes(60, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 0.05);
  assert.ok(small.interval[1] > big.interval[0], 'the unpaired intervals overlap');
  const r = recommendBase([big, small]);
  assert.equal(r.recommended, 'big');
  assert.match(r.reason, /significantly better than the others/);
  const failed = { ...row('broken', [], 0), error: 'no such file' };
  assert.equal(recommendBase([failed]).recommended, undefined);
  assert.equal(recommendBase([big, failed]).recommended, 'big');
});

test('an image one base could not read is left out of its n and out of the pairs', () => {
  const a = probeAccuracy([true, null, false, true]);
  assert.equal(a.validationImages, 3);
  close(a.accuracy, 2 / 3, 1e-12);
});
