/// <reference lib="dom" />
// The evaluation tab says how the model was chosen: the automatic flow's trials with their validation scores
// and reasons, the baselines without transfer, and the verdict, as text (names stay text, never markup).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QualityReport } from '../../src/shared/evaluationTypes';
import { panelSuite } from './panelPage';
import { finishedSnapshot, recorded } from './recorded';

const suite = panelSuite();

test('the trials table lists each trial, its outcome and why; the baselines and the verdict follow', async () => {
  const p = await suite.open({ theme: 'light' });
  const quality: QualityReport = {
    trials: [
      {
        name: 'head',
        detail: 'new head on cached features',
        epochs: 41,
        valAccuracy: 0.9,
        valLoss: 0.3,
        seconds: 4,
        outcome: 'not kept',
        reason: 'replaced by "fine-tune", better on validation',
      },
      {
        name: 'fine-tune',
        detail: 'from block_15_expand',
        epochs: 6,
        valAccuracy: 0.95,
        valLoss: 0.2,
        seconds: 80,
        outcome: 'kept',
        reason: "validation accuracy 0.950 beats head's 0.900",
      },
      {
        name: 'fine-tune + augmentation',
        detail: 'augmented',
        epochs: 0,
        seconds: 0,
        outcome: 'skipped',
        reason: 'estimated 400 s, 90 s of the budget left',
      },
    ],
    baselines: [{ name: '<b>small CNN</b>', accuracy: 0.7, trainSeconds: 84 }],
    verdict: 'Transfer wins on the test split.',
  };
  const snapshot = finishedSnapshot(recorded());
  snapshot.snapshot.evaluation = { ...snapshot.snapshot.evaluation!, quality };
  await p.send(snapshot);
  await p.page.click('[data-testid="tab-evaluation"]');
  const rows = p.page.locator('[data-testid="trial-row"]');
  assert.equal(await rows.count(), 3);
  assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-outcome'))), [
    'not kept',
    'kept',
    'skipped',
  ]);
  assert.match(await rows.nth(1).innerText(), /fine-tune\s+kept\s+6\s+95\.0 %/);
  assert.match(await rows.nth(2).innerText(), /90 s of the budget left/);
  assert.equal(await p.page.locator('[data-testid="baseline-row"] th').textContent(), '<b>small CNN</b>');
  assert.equal(await p.page.locator('[data-testid="baseline-verdict"]').textContent(), quality.verdict);
  await p.screenshot('evaluation-quality-light');
});
