/// <reference lib="dom" />
// The training controls in headless Chromium: settings edits post updateSettings (bad numbers do not), start
// and cancel follow the training status, and an untrusted workspace disables training with an explanation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { panelSuite, type PanelPage } from './panelPage';
import { recorded } from './recorded';

const suite = panelSuite();
const r = recorded();
let p: PanelPage;

const disabled = (testId: string) =>
  p.page.locator(`[data-testid="${testId}"]`).evaluate((e) => (e as HTMLElement & { disabled: boolean }).disabled);

async function typeInto(testId: string, text: string): Promise<void> {
  const input = p.page.locator(`[data-testid="${testId}"] input`);
  await input.fill(text);
  await input.press('Enter');
  await input.blur();
}

test("the fields show the host's settings; edits post updateSettings, bad values show why and post nothing", async () => {
  p = await suite.open({ theme: 'light' });
  await p.send(r.idleSnapshot);
  const settings = r.idleSnapshot.snapshot.choices.settings;
  assert.equal(
    await p.page
      .locator('[data-testid="setting-epochs"]')
      .evaluate((e) => (e as HTMLElement & { value: string }).value),
    String(settings.epochs),
  );
  await p.clearPosted();
  await typeInto('setting-epochs', '7');
  await typeInto('setting-epochs', 'soon');
  await typeInto('setting-epochs', 'auto');
  await typeInto('setting-learning-rate', '0.0005');
  await typeInto('setting-batch-size', '0');
  await p.page.locator('[data-testid="setting-augmentation"]').click();
  // epochs takes the recipe's word auto as well as a number; another word posts nothing.
  assert.deepEqual(await p.posted(), [
    { type: 'updateSettings', settings: { epochs: 7 } },
    { type: 'updateSettings', settings: { epochs: 'auto' } },
    { type: 'updateSettings', settings: { learningRate: 0.0005 } },
    { type: 'updateSettings', settings: { augmentation: !settings.augmentation } },
  ]);
  assert.match(
    await p.page.locator('label[for="setting-batch-size"] .field-error').innerText(),
    /whole number from 1 to 4096/,
  );
});

test('epochs set to a number offer the way back to auto; the time budget is a field and says when it applies', async () => {
  const q = await suite.open({ theme: 'dark' });
  const snapshot = r.idleSnapshot.snapshot;
  const settings = { ...snapshot.choices.settings, epochs: 12, secondPhase: false };
  await q.send({ type: 'snapshot', snapshot: { ...snapshot, choices: { ...snapshot.choices, settings } } });
  const note = (id: string) => q.page.locator(`[data-testid="setting-${id}-note"]`).innerText();
  assert.match(await note('time-budget'), /unused/);
  await q.clearPosted();
  await q.page.click('[data-testid="setting-epochs-auto"]');
  const input = q.page.locator('[data-testid="setting-time-budget"] input');
  await input.fill('60');
  await input.press('Enter');
  await input.blur();
  assert.deepEqual(await q.posted(), [
    { type: 'updateSettings', settings: { epochs: 'auto' } },
    { type: 'updateSettings', settings: { timeBudget: 60 } },
  ]);
  // The host echoes the choices: auto now, said in words, and the budget applies.
  await q.send({ type: 'choices', choices: { ...snapshot.choices, settings: { ...settings, epochs: 'auto' } } });
  assert.match(await note('epochs'), /auto: until validation loss stops improving/);
  assert.equal(await q.page.locator('[data-testid="setting-epochs-auto"]').count(), 0);
  assert.doesNotMatch(await note('time-budget'), /unused/);
  assert.deepEqual(await q.problems(), []);
});

test('start posts startTraining; while running start is disabled and cancel posts cancelTraining', async () => {
  await p.clearPosted();
  assert.equal(await disabled('start-training'), false);
  assert.equal(await disabled('cancel-training'), true);
  await p.page.click('[data-testid="start-training"]');
  await p.send(r.running, { type: 'progress', events: r.progress.events.slice(0, 40) });
  assert.equal(await disabled('start-training'), true);
  assert.equal(await disabled('cancel-training'), false);
  assert.ok(await p.page.locator('[data-testid="training-progress"]').isVisible());
  await p.page.click('[data-testid="start-training"]', { force: true });
  await p.page.click('[data-testid="cancel-training"]');
  assert.deepEqual(await p.posted(), [{ type: 'startTraining' }, { type: 'cancelTraining' }]);
  await p.send({
    type: 'training',
    training: {
      ...r.running.training,
      status: 'cancelled',
      message: 'Cancelled at epoch 2; the last checkpoint is kept.',
    },
  });
  assert.match(await p.page.locator('[data-testid="training-message"]').innerText(), /Cancelled at epoch 2/);
  assert.equal(await disabled('start-training'), false);
  assert.deepEqual(await p.problems(), []);
});

test('"Run on Ray Cluster…" posts startTrainingOnRay and is disabled with start while a training runs', async () => {
  await p.clearPosted();
  assert.equal(await disabled('start-training-ray'), false);
  await p.page.click('[data-testid="start-training-ray"]');
  await p.send(r.running);
  assert.equal(await disabled('start-training-ray'), true);
  await p.page.click('[data-testid="start-training-ray"]', { force: true });
  assert.deepEqual(await p.posted(), [{ type: 'startTrainingOnRay' }]);
  await p.send({ type: 'training', training: { ...r.running.training, status: 'finished' } });
  assert.equal(await disabled('start-training-ray'), false);
});

test('in Restricted Mode training is disabled and the panel says why', async () => {
  const untrusted = await suite.open({ theme: 'dark' });
  await untrusted.send({ type: 'snapshot', snapshot: { ...r.idleSnapshot.snapshot, trusted: false } });
  p = untrusted;
  assert.equal(await disabled('start-training'), true);
  assert.match(await untrusted.page.locator('[data-testid="start-disabled-reason"]').innerText(), /Restricted Mode/);
  assert.ok(await untrusted.page.locator('[data-testid="trust-banner"]').isVisible());
  await untrusted.page.click('[data-testid="start-training"]', { force: true });
  assert.deepEqual(await untrusted.posted(), [{ type: 'ready' }]);
  await untrusted.screenshot('training-untrusted-dark');
  assert.deepEqual(await untrusted.problems(), []);
});

test('messages that are not well-formed host messages are ignored without an error', async () => {
  const q = await suite.open();
  await q.send(r.idleSnapshot);
  for (const junk of [
    null,
    'snapshot',
    42,
    { type: 'evil' },
    { type: 'snapshot' },
    { type: 'snapshot', snapshot: { choices: {} } },
    { type: 'progress', events: 'x' },
    { type: 'choices', choices: { frozen: 'all' } },
    { type: '__proto__' },
    { type: 'toString' },
  ]) {
    await q.page.evaluate((m) => window.postMessage(m, '*'), junk);
  }
  await q.send(r.running);
  assert.match(await q.page.locator('[data-testid="training-status"]').innerText(), /Training/);
  assert.equal(await q.page.locator('[data-testid="layer-row"]').count(), r.idleSnapshot.snapshot.base!.layers.length);
  assert.deepEqual(await q.problems(), []);
});
