// The fused model's term weighting: the one with the lower out-of-fold log-loss, the length rule's on ties.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  calibratedLosses,
  compareWeightings,
  logLosses,
  weightingFolds,
  WEIGHTING_FOLDS,
} from '../../src/shared/text/fusedWeighting';
import { termWeighting } from '../../src/shared/text/textLayers';
import { Z95 } from '../../src/shared/pairedStats';

describe('the fused model term weighting by cross-validation', () => {
  it('switches when the other weighting has the lower out-of-fold log-loss, keeps the rule on ties', () => {
    // 200 texts, the other weighting 0.05 lower on every text but for small noise: a clear win.
    const rule = Array.from({ length: 200 }, (_, i) => 0.3 + 0.01 * Math.sin(i));
    const better = rule.map((x, i) => x - 0.05 + 0.01 * Math.cos(i));
    const clear = compareWeightings(rule, better);
    assert.equal(clear.switched, true);
    assert.ok(clear.otherLoss < clear.ruleLoss && clear.standardError > 0, JSON.stringify(clear));
    // A mean gain of 0.3 standard errors is far from certain, but it is the lower loss: a choice between two
    // models, not a test. The same spread the other way keeps the rule.
    const spread = (z: number) => (0.05 * Math.sqrt(200)) / z;
    const shifted = (gain: number) => rule.map((x, i) => x - gain + (i % 2 === 0 ? spread(0.3) : -spread(0.3)));
    const slight = compareWeightings(rule, shifted(0.05));
    assert.equal(slight.switched, true);
    assert.ok(slight.ruleLoss - slight.otherLoss < Z95 * slight.standardError, JSON.stringify(slight));
    assert.equal(compareWeightings(rule, shifted(-0.05)).switched, false);
    // Worse, or the same, never switches.
    assert.equal(
      compareWeightings(
        rule,
        rule.map((x) => x + 0.05),
      ).switched,
      false,
    );
    assert.equal(compareWeightings(rule, rule).switched, false);
    assert.equal(compareWeightings([0.2], [0.1]).switched, false);
  });

  it('needs two texts of the smallest class for a fold, and caps the folds', () => {
    assert.equal(weightingFolds(1), 0);
    assert.equal(weightingFolds(2), 2);
    assert.equal(weightingFolds(200), WEIGHTING_FOLDS);
  });

  it('scores each text by the probability of its own class, a sure mistake bounded', () => {
    const losses = logLosses([Float64Array.of(0.25, 0.75), Float64Array.of(1, 0)], [1, 1]);
    assert.ok(Math.abs(losses[0] + Math.log(0.75)) < 1e-12);
    assert.ok(Number.isFinite(losses[1]) && losses[1] > 10);
    // A temperature below 1 sharpens: a right answer costs less, a wrong one more.
    const sharp = logLosses([Float64Array.of(0.25, 0.75), Float64Array.of(0.75, 0.25)], [1, 1], 0.5);
    assert.ok(Math.abs(sharp[0] + Math.log(0.9)) < 1e-12 && Math.abs(sharp[1] + Math.log(0.1)) < 1e-12);
  });

  it('judges two weightings at their own best sharpness, not by how confident their head is', () => {
    // The same ranking of 40 texts (right on 38), one model twice as timid in its log-odds: raw log-loss
    // prefers the confident one; at each one's best temperature they are alike.
    const labels = Array.from({ length: 40 }, (_, i) => i % 2);
    const odds = labels.map((_, i) => (i < 38 ? 3 : -1) * (1 + (i % 5) / 5));
    const probs = (scale: number) =>
      labels.map((y, i) => {
        const p = 1 / (1 + Math.exp(-odds[i] * scale));
        return y === 1 ? Float64Array.of(1 - p, p) : Float64Array.of(p, 1 - p);
      });
    const [sure, timid] = [probs(1), probs(0.5)];
    assert.equal(compareWeightings(logLosses(timid, labels), logLosses(sure, labels)).switched, true);
    const calibrated = compareWeightings(calibratedLosses(timid, labels), calibratedLosses(sure, labels));
    assert.equal(calibrated.switched, false);
    assert.ok(Math.abs(calibrated.ruleLoss - calibrated.otherLoss) < 1e-3, JSON.stringify(calibrated));
  });

  it('says who chose the weighting in the Layers tab and the train summary', () => {
    assert.equal(termWeighting(true), 'each term once');
    assert.match(termWeighting(false, 'cross-validation'), /^sublinear counts \(.*overruled the length rule\)$/);
    assert.match(termWeighting(true, 'rule'), /^each term once \(the length rule's, kept by/);
  });
});
