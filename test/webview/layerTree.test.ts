/// <reference lib="dom" />
// The layer tree in headless Chromium, fed the recorded MobileNetV2 layers: every layer shown, toggles and
// freeze actions post the protocol's messages, and the host's echo (computed here with the same shared
// freeze operations the host uses) updates rows and totals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freezeUpTo, frozenWithinCut, parameterTotals, setTrainable } from '../../src/shared/freezePlan';
import type { StudioChoices } from '../../src/shared/panelProtocol';
import { panelSuite, type PanelPage } from './panelPage';
import { recorded } from './recorded';

const suite = panelSuite();
const r = recorded();
const base = r.idleSnapshot.snapshot.base!;
let choices: StudioChoices = r.idleSnapshot.snapshot.choices;
let p: PanelPage;

const row = (layer: string) => p.page.locator(`[data-testid="layer-row"][data-layer="${layer}"]`);
const rowState = (layer: string) => row(layer).getAttribute('data-state');
async function totals(): Promise<{ trainable: number; frozen: number }> {
  return {
    trainable: Number(await p.page.getAttribute('[data-testid="totals-trainable"]', 'data-value')),
    frozen: Number(await p.page.getAttribute('[data-testid="totals-frozen"]', 'data-value')),
  };
}
async function lastPosted() {
  return (await p.posted()).at(-1);
}
/** Plays the host: applies the change and echoes the choices, as the extension does. */
async function echo(next: Partial<StudioChoices>): Promise<void> {
  choices = { ...choices, ...next };
  await p.send({ type: 'choices', choices });
}

test('the tree shows every layer of the recorded MobileNetV2, grouped by block, BatchNorm and the cut marked', async () => {
  p = await suite.open({ theme: 'dark' });
  await p.send(r.idleSnapshot);
  await p.page.click('[data-testid="tab-layers"]');
  const names = await p.page
    .locator('[data-testid="layer-row"]')
    .evaluateAll((rows) => rows.map((e) => (e as HTMLElement).dataset.layer));
  console.log(
    `layer rows rendered: ${names.length} (base has ${base.layers.length}), groups: ${await p.page.locator('[data-testid="layer-group"]').count()}`,
  );
  assert.ok(names.length >= 150);
  assert.deepEqual(
    names,
    base.layers.map((l) => l.name),
  );
  const blocks = await p.page
    .locator('[data-testid="layer-group"]')
    .evaluateAll((gs) => gs.map((g) => (g as HTMLElement).dataset.block));
  assert.deepEqual(
    blocks,
    base.layers.map((l) => l.block).filter((b, i, all) => i === 0 || all[i - 1] !== b),
  );
  assert.ok(blocks.includes('block_16'));
  assert.equal(
    await p.page.locator('[data-testid="bn-badge"]').count(),
    base.layers.filter((l) => l.isBatchNorm).length,
  );
  assert.equal(
    await p.page.locator('[data-testid="layer-toggle"]').count(),
    base.layers.filter((l) => l.hasWeights).length,
  );
  assert.ok(await row(choices.featureLayer).locator('[data-testid="cut-badge"]').isVisible());
  assert.equal(await rowState('Conv1'), 'frozen');
  assert.deepEqual(await totals(), parameterTotals(base.layers, choices.featureLayer, choices.frozen));
  assert.equal((await totals()).trainable, 0, 'all frozen at first: only the new head trains');
  assert.equal(await row('Conv1').locator('.layer-shape').textContent(), '[?, 112, 112, 32]');
  await p.screenshot('layers-dark');
});

test('a toggle posts setTrainable; the echo makes the row trainable and moves parameters to the trainable total', async () => {
  await p.clearPosted();
  await row('Conv_1').locator('[data-testid="layer-toggle"]').click();
  assert.deepEqual(await lastPosted(), { type: 'setTrainable', layer: 'Conv_1', trainable: true });
  await echo({ frozen: setTrainable(choices.frozen, 'Conv_1', true) });
  assert.equal(await rowState('Conv_1'), 'trainable');
  const conv = base.layers.find((l) => l.name === 'Conv_1')!;
  assert.equal((await totals()).trainable, conv.trainableParams);
  await row('Conv_1').locator('[data-testid="layer-toggle"]').click();
  assert.deepEqual(await lastPosted(), { type: 'setTrainable', layer: 'Conv_1', trainable: false });
});

test('"freeze up to here" posts freezeUpTo; the echo trains everything after it up to the cut', async () => {
  await p.clearPosted();
  await row('block_15_project_BN').hover();
  await row('block_15_project_BN').locator('[data-testid="freeze-up-to"]').click();
  assert.deepEqual(await p.posted(), [{ type: 'freezeUpTo', layer: 'block_15_project_BN' }]);
  await echo({ frozen: freezeUpTo(base.layers, choices.featureLayer, 'block_15_project_BN') });
  assert.equal(await rowState('block_15_project'), 'frozen');
  assert.equal(await rowState('block_16_expand'), 'trainable');
  assert.equal(await rowState('Conv_1_bn'), 'trainable');
  assert.equal(await rowState('out_relu'), 'no-weights');
  const expected = parameterTotals(base.layers, choices.featureLayer, choices.frozen);
  assert.deepEqual(await totals(), expected);
  assert.ok(expected.trainable > 0);
  assert.match(
    await p.page.locator('[data-testid="layer-group"][data-block="block_16"] .group-state').innerText(),
    /trains/,
  );
});

test('"unfreeze from here" and "use as feature layer" post their messages; a new cut drops the later layers', async () => {
  await p.clearPosted();
  await row('block_14_expand').hover();
  await row('block_14_expand').locator('[data-testid="unfreeze-from"]').click();
  await row('block_13_project_BN').hover();
  await row('block_13_project_BN').locator('[data-testid="set-feature-layer"]').click();
  assert.deepEqual(await p.posted(), [
    { type: 'unfreezeFrom', layer: 'block_14_expand' },
    { type: 'setFeatureLayer', layer: 'block_13_project_BN' },
  ]);
  await echo({
    featureLayer: 'block_13_project_BN',
    frozen: frozenWithinCut(base.layers, 'block_13_project_BN', choices.frozen),
  });
  assert.equal(await rowState('block_14_expand'), 'dropped');
  assert.equal(await rowState('out_relu'), 'dropped');
  assert.ok(await row('block_13_project_BN').locator('[data-testid="cut-badge"]').isVisible());
  assert.ok(!(await row('out_relu').locator('[data-testid="cut-badge"]').isVisible()));
  assert.ok(
    await row('block_14_expand')
      .locator('[data-testid="layer-toggle"]')
      .evaluate((e) => (e as HTMLElement & { disabled: boolean }).disabled),
  );
  assert.deepEqual(await totals(), parameterTotals(base.layers, 'block_13_project_BN', choices.frozen));
  await p.screenshot('layers-cut-moved-dark');
});

test('no CSP violation, console error or dialog while the tree was used', async () => {
  assert.deepEqual(await p.problems(), []);
});

test("a restored panel ignores the new host's changes until its snapshot: a cut the saved base lacks is no error", async () => {
  // After a window reload the webview draws the state saved before it; the new extension host has no base
  // loaded yet, and its first `choices` (cut '') can arrive before the snapshot that answers `ready`.
  const restored = await suite.open({ state: { snapshot: r.idleSnapshot.snapshot } });
  await restored.send({ type: 'choices', choices: { ...choices, featureLayer: '', frozen: [] } });
  assert.deepEqual(await restored.problems(), []);
  await restored.page.click('[data-testid="tab-layers"]');
  assert.ok(await restored.page.locator(`[data-testid="layer-row"][data-layer="${choices.featureLayer}"]`).count());
  await restored.send({ ...r.idleSnapshot, snapshot: { ...r.idleSnapshot.snapshot, base: undefined } });
  assert.equal(await restored.page.locator('[data-testid="layer-row"]').count(), 0);
  assert.deepEqual(await restored.problems(), []);
});
