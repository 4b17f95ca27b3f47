/// <reference lib="dom" />
// The panel in another language: the host puts vscode.l10n.bundle into the page (panelHtml's data-l10n), and the
// webview's t() shows the translation, fills its {0} placeholders, and keeps English for what the bundle lacks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { panelSuite } from './panelPage';
import { recorded } from './recorded';

// Quotes and angle brackets on purpose: the bundle travels in an HTML attribute.
const bundle = {
  'Start training': 'Training starten',
  Ready: 'Bereit',
  Layers: 'Schichten',
  '{0} batch points': '{0} Batch-Punkte',
  Cancel: 'Abbrechen "jetzt" <sofort> & gleich',
};
const suite = panelSuite({ l10n: bundle });
const r = recorded();

test('a supplied bundle changes the rendered strings; missing messages stay English', async () => {
  const p = await suite.open();
  await p.send(r.idleSnapshot);
  const text = (testId: string) => p.page.locator(`[data-testid="${testId}"]`).first().innerText();
  assert.equal(await text('start-training'), 'Training starten');
  assert.equal(await text('training-status'), 'Bereit');
  assert.equal(await text('tab-layers'), 'Schichten');
  assert.equal(await text('chart-points'), '0 Batch-Punkte');
  assert.equal(await text('cancel-training'), 'Abbrechen "jetzt" <sofort> & gleich');
  // Not in the bundle: English, placeholders filled.
  assert.equal(await text('tab-training'), 'Training');
  await p.send(r.running, { type: 'progress', events: r.progress.events.slice(0, 40) });
  const batches = r.progress.events.slice(0, 40).filter((e) => e.kind === 'batch').length;
  assert.ok(batches > 0, 'the recorded start has batch events');
  assert.equal(await text('chart-points'), `${batches} Batch-Punkte`);
  assert.match(await text('stat-epoch'), /, batch \d+\/\d+$/);
  assert.deepEqual(await p.problems(), []);
});
