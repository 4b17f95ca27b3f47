/// <reference lib="dom" />
// The dataset preview and the evaluation in headless Chromium, fed recorded host messages: thumbnails load
// under the CSP, hostile class and file names stay text, the confusion matrix shows exactly the data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { panelSuite, type PanelPage } from './panelPage';
import { finishedSnapshot, recorded } from './recorded';

const suite = panelSuite();
const r = recorded();
const HOSTILE = '<img src=x onerror=alert(1)>';
let p: PanelPage;

test('the preview shows every class with its count and thumbnails, the split, and opens an image on click', async () => {
  p = await suite.open({ theme: 'dark' });
  await p.send(r.idleSnapshot);
  await p.page.click('[data-testid="tab-dataset"]');
  const dataset = r.idleSnapshot.snapshot.dataset!;
  const cards = p.page.locator('[data-testid="dataset-class"]');
  assert.equal(await cards.count(), dataset.classes.length);
  for (const [i, c] of dataset.classes.entries()) {
    const card = cards.nth(i);
    assert.equal(await card.locator('[data-testid="class-name"]').textContent(), c.name);
    assert.equal(await card.locator('[data-testid="class-count"]').textContent(), `${c.count} images`);
    const images = card.locator('[data-testid="thumbnail"] img');
    assert.equal(await images.count(), c.thumbnails.filter((t) => t.src).length);
    assert.ok(c.thumbnails.length > 0);
  }
  // Loaded, not just present: the CSP allows data: images and the host's JPEGs decode.
  await p.page.waitForFunction(() =>
    Array.from(document.querySelectorAll('[data-testid="thumbnail"] img')).every(
      (i) => (i as HTMLImageElement).complete,
    ),
  );
  const widths = await p.page
    .locator('[data-testid="thumbnail"] img')
    .evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
  console.log(`thumbnails shown: ${widths.length}, natural widths ${[...new Set(widths)].join(', ')} px`);
  assert.ok(widths.every((w) => w > 0));
  const { train, validation, test: held } = dataset.split;
  assert.match(
    await p.page.locator('[data-testid="dataset-split"]').innerText(),
    new RegExp(`${train} train, ${validation} validation, ${held} test`),
  );
  await p.screenshot('dataset-dark');
  await p.clearPosted();
  const first = dataset.classes[0].thumbnails[0];
  await cards.nth(0).locator('[data-testid="thumbnail"]').first().click();
  assert.deepEqual(await p.posted(), [{ type: 'openImage', path: first.path }]);
});

test('a split without a test share says that validation also scores the run', async () => {
  const dataset = { ...r.idleSnapshot.snapshot.dataset!, split: { train: 72, validation: 18, test: 0 } };
  await p.send({ type: 'dataset', dataset });
  const text = await p.page.locator('[data-testid="dataset-split"]').innerText();
  assert.match(text, /72 train, 18 validation, no test \(validation also scores the run\)/);
  assert.doesNotMatch(text, /0 test/);
});

test(`a class folder named ${HOSTILE} and markup in file names render as text; no script runs`, async () => {
  await p.send(r.hostileDataset);
  const card = p.page.locator('[data-testid="dataset-class"]').filter({ hasText: HOSTILE });
  assert.equal(await card.count(), 1);
  assert.equal(await card.locator('[data-testid="class-name"]').textContent(), HOSTILE);
  const skipped = await p.page.locator('[data-testid="skipped-file"]').allTextContents();
  console.log(
    `skipped files shown: ${skipped.length}; warnings: ${await p.page.locator('[data-testid="dataset-warning"]').count()}`,
  );
  assert.ok(
    skipped.some((s) => s.includes('<b onmouseover=alert(2)>not an image.jpg')),
    skipped.join('\n'),
  );
  await p.page
    .locator('[data-testid="skipped-file"]')
    .first()
    .hover()
    .catch(() => undefined);
  // Only the host's data: images exist; no element came from the names.
  assert.equal(await p.page.locator('img:not([src^="data:image/"])').count(), 0);
  assert.equal(await p.page.locator('b').count(), 0);
  await p.page.waitForTimeout(300);
  assert.deepEqual(p.dialogs, []);
  await p.screenshot('dataset-hostile-dark');
  assert.deepEqual(await p.problems(), []);
});

test('the evaluation shows the confusion matrix cell by cell, per-class metrics, misclassified images and both curves', async () => {
  await p.send(finishedSnapshot(r));
  await p.page.click('[data-testid="tab-evaluation"]');
  const ev = r.evaluation.evaluation.evaluation;
  const cells = await p.page.locator('[data-testid="confusion-cell"]').evaluateAll((tds) =>
    tds.map((td) => {
      const d = (td as HTMLElement).dataset;
      return { actual: d.actual, predicted: d.predicted, count: Number(d.count), text: td.textContent };
    }),
  );
  assert.equal(cells.length, ev.classes.length ** 2);
  for (const [i, actual] of ev.classes.entries()) {
    for (const [j, predicted] of ev.classes.entries()) {
      const cell = cells[i * ev.classes.length + j];
      assert.deepEqual(cell, { actual, predicted, count: ev.confusion[i][j], text: String(ev.confusion[i][j]) });
    }
  }
  console.log(
    `confusion matrix ${ev.classes.length}×${ev.classes.length} on ${ev.count} images: ${JSON.stringify(ev.confusion)}; accuracy ${ev.accuracy.toFixed(3)}`,
  );
  const rows = await p.page.locator('[data-testid="per-class-row"]').allInnerTexts();
  assert.equal(rows.length, ev.perClass.length);
  for (const [i, c] of ev.perClass.entries())
    assert.match(
      rows[i],
      new RegExp(
        `${c.name}\\s+${c.precision.toFixed(2)}\\s+${c.recall.toFixed(2)}\\s+${c.f1.toFixed(2)}\\s+${c.support}`,
      ),
    );
  const wrong = p.page.locator('[data-testid="misclassified"] [data-testid="thumbnail"]');
  assert.equal(await wrong.count(), r.evaluation.evaluation.misclassified.length);
  if (ev.misclassified.length > 0) {
    await p.clearPosted();
    await wrong.first().click();
    assert.deepEqual(await p.posted(), [{ type: 'openImage', path: r.evaluation.evaluation.misclassified[0].path }]);
  }
  assert.equal(
    await p.page.locator('[data-testid="chart-comparison"]').count(),
    r.evaluation.evaluation.scratchHistory ? 1 : 0,
  );
  // Export… asks the host to export the run shown; the webview names only the format, never a path.
  await p.clearPosted();
  await p.page.click('[data-testid="export-onnx"]');
  assert.deepEqual(await p.posted(), [{ type: 'exportRun', format: 'onnx' }]);
  await p.screenshot('evaluation-dark');
  assert.deepEqual(await p.problems(), []);
});
