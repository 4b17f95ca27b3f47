/// <reference lib="dom" />
// The Layers tab for text runs in headless Chromium, fed the host's report of real runs on State of the Union
// sentences: the fine-tuned model's tokenizer, Embedding, pooling and head with the Embedding's toggle (it
// posts the choice; the host's echo sets it), and a lexical model with nothing to freeze.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { textEvaluationView } from '../../src/host/text/textReport';
import { readTextRun } from '../../src/io/textRuns';
import type { HostMessage } from '../../src/shared/panelProtocol';
import { trainText } from '../../src/trainer/text/textRun';
import { tempDir } from '../helpers/fixtures';
import { partyRows } from '../helpers/textTables';
import { panelSuite } from './panelPage';
import { recorded } from './recorded';

const suite = panelSuite();
const work = tempDir('text-layers-tab');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const source = path.join(work, 'speeches');
partyRows(['Democratic', 'Republican'], 24, 7).forEach((e, i) => {
  fs.mkdirSync(path.join(source, e.label), { recursive: true });
  fs.writeFileSync(path.join(source, e.label, `${i}.txt`), e.text);
});

function report(model: 'tuned' | 'lexical', freezeEmbedding: boolean): HostMessage {
  const params = { source, columns: {}, model, seed: 2, validationSplit: 0.25, testSplit: 0 };
  const { runDir } = trainText({ ...params, outputDir: path.join(work, model) }, () => undefined);
  return { type: 'evaluation', evaluation: textEvaluationView(runDir, readTextRun(runDir), freezeEmbedding) };
}

test('a fine-tuned run: four layers, the Embedding toggle posts the choice and shows the echo', async () => {
  const p = await suite.open({ theme: 'dark' });
  const idle = recorded().idleSnapshot;
  await p.send({ type: 'snapshot', snapshot: { ...idle.snapshot, base: undefined, baseError: undefined } });
  await p.page.click('[data-testid="tab-layers"]');
  const tuned = report('tuned', false);
  await p.send(tuned);
  const rows = p.page.locator('[data-testid="text-layer"]');
  assert.deepEqual(
    await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-layer'), tr.dataset.trainable])),
    [
      ['Tokenizer', 'false'],
      ['Embedding', 'true'],
      ['Pooling', 'false'],
      ['Head', 'true'],
    ],
  );
  // No image base: the image layer tree gives way to the text model's.
  assert.equal(await p.page.locator('[data-testid="layer-tree"]').isVisible(), false);
  assert.match(await p.page.locator('[data-testid="text-layers-title"]').innerText(), /^Text model: tuned/);
  const toggle = p.page.locator('[data-testid="text-layer-toggle"]');
  assert.equal(await toggle.count(), 1);
  assert.equal(await toggle.evaluate((c) => (c as HTMLInputElement).checked), true);
  await p.screenshot('text-layers-dark');
  await p.clearPosted();
  await toggle.click();
  assert.deepEqual(await p.posted(), [{ type: 'setTextEmbeddingFrozen', frozen: true }]);
  // Until the host echoes, the toggle shows the host's state.
  assert.equal(await toggle.evaluate((c) => (c as HTMLInputElement).checked), true);
  if (tuned.type !== 'evaluation') throw new Error('an evaluation message');
  await p.send({
    ...tuned,
    evaluation: { ...tuned.evaluation, text: { ...tuned.evaluation.text!, freezeEmbedding: true } },
  });
  assert.equal(await toggle.evaluate((c) => (c as HTMLInputElement).checked), false);
  assert.equal(await rows.nth(1).getAttribute('data-trainable'), 'false');
  assert.match(await rows.nth(1).innerText(), /kept as GloVe/);
  assert.match(await p.page.locator('[data-testid="text-layers-hint"]').innerText(), /this run fine-tuned/);
  await p.setTheme('light');
  // Unchecked in the light theme: a light box with a border, as VS Code draws its own checkboxes.
  const box = await toggle.evaluate((c) => getComputedStyle(c.shadowRoot!.querySelector('.icon')!).backgroundColor);
  assert.equal(box, 'rgb(248, 248, 248)');
  await p.screenshot('text-layers-light');
  assert.deepEqual(await p.problems(), []);
});

test('a lexical run lists tokenizer, TF-IDF and head, with nothing to toggle', async () => {
  const p = await suite.open({ theme: 'dark' });
  await p.send(recorded().idleSnapshot);
  await p.page.click('[data-testid="tab-layers"]');
  await p.send(report('lexical', false));
  const names = await p.page
    .locator('[data-testid="text-layer"]')
    .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-layer')));
  assert.deepEqual(names, ['Tokenizer', 'TF-IDF', 'Head']);
  assert.equal(await p.page.locator('[data-testid="text-layer-toggle"]').count(), 0);
  // An image base is loaded: its tree stays below the text model's layers.
  assert.equal(await p.page.locator('[data-testid="layer-tree"]').isVisible(), true);
  assert.deepEqual(await p.problems(), []);
});
