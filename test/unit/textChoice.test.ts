// The automatic flow's choice of text model: the default stays unless a challenger beats it on the same
// validation texts beyond chance (exact McNemar), then the most accurate of those that do.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseTextModel } from '../../src/shared/text/textChoice';

/** Right on the first `k` of `n` texts. */
const rightOn = (k: number, n: number) => Array.from({ length: n }, (_, i) => i < k);

describe('chooseTextModel', () => {
  it('keeps the default when a challenger leads by a few texts of a small validation split', () => {
    const tried = [
      { kind: 'fused', correct: rightOn(8, 20) },
      { kind: 'lexical', correct: rightOn(11, 20) },
    ];
    assert.deepEqual(chooseTextModel('fused', tried), { kind: 'fused', reason: 'default' });
  });

  it('keeps the most accurate of the challengers that beat the default beyond chance', () => {
    const tried = [
      { kind: 'fused', correct: rightOn(100, 400) },
      { kind: 'lexical', correct: rightOn(200, 400) },
      { kind: 'tuned', correct: rightOn(260, 400) },
      { kind: 'glove', correct: rightOn(110, 400) },
    ];
    const choice = chooseTextModel('fused', tried);
    assert.equal(choice.kind, 'tuned');
    assert.equal(choice.reason, 'significant');
    assert.ok(choice.p! < 0.05);
  });

  it('never leaves the default for a challenger that is worse, however many texts', () => {
    const tried = [
      { kind: 'fused', correct: rightOn(300, 400) },
      { kind: 'lexical', correct: rightOn(100, 400) },
    ];
    assert.equal(chooseTextModel('fused', tried).kind, 'fused');
  });

  it('keeps the best when the default was not among the candidates (one model asked for)', () => {
    assert.deepEqual(chooseTextModel('fused', [{ kind: 'lexical', correct: rightOn(3, 5) }]), {
      kind: 'lexical',
      reason: 'only',
    });
  });
});
