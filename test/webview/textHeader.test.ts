/// <reference lib="dom" />
// The panel's header for a text run in headless Chromium: no image base is loaded, so it names the text
// model the run kept instead of "No base"; an image base, once loaded, is named again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { panelSuite } from './panelPage';
import { recorded } from './recorded';

const suite = panelSuite();

test('a text run shown without an image base names its kept text model in the header', async () => {
  const r = recorded();
  const p = await suite.open({ theme: 'dark' });
  const idle = { ...r.idleSnapshot.snapshot, base: undefined, baseError: undefined };
  await p.send({ type: 'snapshot', snapshot: idle });
  const title = p.page.locator('[data-testid="base-title"]');
  assert.equal(await title.textContent(), 'No base');
  const image = r.evaluation.evaluation;
  await p.send({
    type: 'evaluation',
    reveal: true,
    evaluation: {
      ...image,
      misclassified: [],
      text: { kept: 'glove', winner: 'glove', candidates: [], misclassified: [] },
    },
  });
  assert.equal(await title.textContent(), 'Text model: glove · GloVe-100 word vectors (built-in), pooled');
  await p.send(r.idleSnapshot);
  assert.match((await title.textContent()) ?? '', /^MobileNetV2 .* · \d+ layers · /);
  assert.deepEqual(await p.problems(), []);
});
