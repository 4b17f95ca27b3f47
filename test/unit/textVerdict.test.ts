// A text run's verdict beside the baselines: a tie on the held-out texts is said as a tie.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { textVerdict } from '../../src/shared/text/textVerdict';

describe('the text run verdict', () => {
  const c = (name: string, testAccuracy: number, baseline: boolean) => ({ name, testAccuracy, baseline });
  it('says tied when a baseline scored the same as the kept model, best only when above all', () => {
    const tied = [
      c('fused', 16 / 24, false),
      c('glove', 0.75, false),
      c('lexical', 0.5, true),
      c('mean', 16 / 24, true),
    ];
    assert.deepEqual(textVerdict('fused', 'fused', tied), { outcome: 'tied', with: ['mean'] });
    // Another candidate (not a baseline) above the kept model is not what the verdict compares with.
    const best = [c('fused', 0.7, false), c('glove', 0.75, false), c('lexical', 0.5, true)];
    assert.deepEqual(textVerdict('fused', 'fused', best), { outcome: 'best' });
    assert.deepEqual(textVerdict('fused', 'lexical', best), { outcome: 'beaten', by: 'lexical' });
  });
});
