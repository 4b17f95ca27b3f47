// A text run's verdict beside the baselines: a tie on the held-out texts is said as a tie.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { textVerdict } from '../../src/shared/text/textVerdict';
import type { TextRunResult } from '../../src/shared/text/textProtocol';
import { formatTextRun } from '../../src/cli/textCommands';
import { evaluatePredictions } from '../../src/trainer/train/evaluation';

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

describe('the train summary of a text run', () => {
  it('names the tied baseline, and says how the fused model counted terms and who chose it', () => {
    const scored = [0, 1, 1, 0].map((label, i) => ({ path: `t${i}`, label, probs: [i % 2 ? 0.3 : 0.6, 0.5] }));
    const c = (name: string, testAccuracy: number, baseline: boolean) => ({
      name,
      validationAccuracy: 0.5,
      testAccuracy,
      baseline,
      seconds: 1,
    });
    const run: TextRunResult = {
      runDir: 'runs/speeches-text',
      classes: ['a', 'b'],
      split: { train: 8, validation: 4, test: 4 },
      kept: 'fused',
      gloveWeight: 0.17,
      candidates: [c('fused', 0.75, false), c('lexical (TF-IDF + logistic)', 0.75, true), c('GloVe mean', 0.5, true)],
      evaluation: evaluatePredictions(['a', 'b'], scored),
      evaluatedOn: 'test',
      winner: 'fused',
      seconds: 1,
      layers: {
        kind: 'fused',
        classes: 2,
        gloveWeight: 0.17,
        vectors: { words: 10, dims: 100 },
        fused: { columns: 9, scale: 0.17, weighting: 'cross-validation' },
      },
    };
    const text = formatTextRun(run);
    assert.match(text, /Best on the test split: fused, tied with lexical \(TF-IDF \+ logistic\)\n/);
    assert.match(text, /GloVe row × 0\.17 beside TF-IDF, sublinear counts \(5-fold cross-validation overruled/);
    assert.match(formatTextRun({ ...run, winner: 'GloVe mean' }), /: GloVe mean \(a baseline beat the kept model\)/);
  });
});
