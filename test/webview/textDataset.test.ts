/// <reference lib="dom" />
// The Dataset tab for a text folder in headless Chromium, fed what the trainer's text/preview answers for a
// real folder: per class what it lost before the split (duplicates, unreadable files), then the duplicates
// and the other skipped files with their class and reason, said relative to the folder; names stay text.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { asDatasetPreview } from '../../src/host/text/textDatasetPreview';
import { previewText } from '../../src/trainer/text/textPreview';
import { panelSuite } from './panelPage';
import { recorded } from './recorded';

const suite = panelSuite();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'text-dataset-tab-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

const HOSTILE = '<img src=x onerror=alert(1)>';
const CRASH = 'The app crashes when I open the settings page.';

function write(rel: string, content: string | Buffer): void {
  const file = path.join(work, 'tickets', rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

test('each class says what it lost; the lists give file, class and reason inside the folder', async () => {
  write('bug/a.txt', CRASH);
  write('bug/b.txt', `${CRASH}\n`);
  write('bug/c.txt', 'Saving a file hangs for a minute.');
  write('bug/d.txt', Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x63, 0x72, 0x61, 0x73, 0x68])); // Latin-1 "Café crash"
  write('idea/a.md', 'Please add a dark theme.');
  write('idea/b.md', 'Export to CSV would help.');
  write('idea/c.md', 'A keyboard shortcut for the search box.');
  write(`idea/${HOSTILE}.txt`, '\u0000binary');
  write(`${HOSTILE}/a.txt`, 'Please add a dark theme.');
  write(`${HOSTILE}/b.txt`, 'A class whose name is markup.');
  write(`${HOSTILE}/c.txt`, 'Another text of the markup class.');
  const source = path.join(work, 'tickets');
  const view = previewText({ source, columns: {}, validationSplit: 0.2, testSplit: 0, seed: 1 });
  const p = await suite.open({ theme: 'dark' });
  await p.send(recorded().idleSnapshot);
  await p.page.click('[data-testid="tab-dataset"]');
  await p.send({ type: 'dataset', dataset: asDatasetPreview(view) });

  const cards = p.page.locator('[data-testid="dataset-class"]');
  assert.deepEqual(await cards.locator('[data-testid="class-name"]').allTextContents(), [HOSTILE, 'bug', 'idea']);
  const dropped = async (i: number) => {
    const line = cards.nth(i).locator('[data-testid="class-dropped"]');
    return (await line.count()) ? await line.textContent() : null;
  };
  // "Please add a dark theme." is labelled both idea and the markup class: it goes from both.
  assert.equal(await dropped(0), '1 duplicate dropped');
  assert.equal(await dropped(1), '1 duplicate dropped · 1 file skipped');
  assert.equal(await dropped(2), '1 duplicate dropped · 1 file skipped');

  const rows = async (list: string) =>
    (await p.page
      .locator(`[data-testid="${list}"] [data-testid="skipped-file"]`)
      .evaluateAll((trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)),
      )) as string[][];
  const duplicates = await rows('dataset-duplicates');
  assert.deepEqual(duplicates.map((r) => r.slice(0, 2)).sort(), [
    [path.join(HOSTILE, 'a.txt'), HOSTILE],
    [path.join('bug', 'b.txt'), 'bug'],
    [path.join('idea', 'a.md'), 'idea'],
  ]);
  assert.equal(duplicates.find((r) => r[0].startsWith('bug'))![2], `duplicate of ${path.join('bug', 'a.txt')}`);
  assert.match(duplicates.find((r) => r[1] === 'idea')![2], /labelled/);
  const skipped = await rows('dataset-skipped');
  assert.deepEqual(skipped.map((r) => r.slice(0, 2)).sort(), [
    [path.join('bug', 'd.txt'), 'bug'],
    [path.join('idea', `${HOSTILE}.txt`), 'idea'],
  ]);
  assert.match(skipped.find((r) => r[1] === 'bug')![2], /not UTF-8/);
  assert.match(skipped.find((r) => r[1] === 'idea')![2], /binary/);
  assert.match(await p.page.locator('[data-testid="dataset-duplicates"] summary').innerText(), /^3 duplicates/);

  // Only the host's data: images exist; no element came from the names.
  assert.equal(await p.page.locator('img:not([src^="data:image/"])').count(), 0);
  await p.page.locator('[data-testid="dataset-skipped"] summary').click();
  await p.screenshot('text-dataset-dark');
  assert.deepEqual(await p.problems(), []);
});
