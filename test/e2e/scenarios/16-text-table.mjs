// Fine-tune on This File (issue 26): a CSV whose columns have unusual names (id, speaker party, words) →
// right-click → Fine-tune on This File → the text column pick (the user types "words"), the label column pick
// (the detected "speaker party" first) → the text model pick's "ONNX encoder from a URL…" → a URL that is not
// http(s) is refused in the input box by name, the URL of a local server holding the tiny encoder is taken →
// "Text model trained"; the run trained on those columns with a head on that encoder's vectors, downloaded
// from the server. The workspace's recipe on that table now names the picked columns (its comments kept), and
// asked again, the text column pick offers "words" first.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJson, runFolders, waitFor } from '../lib/runChecks.mjs';
import { PARTIES, partySentences } from '../lib/textData.mjs';
import {
  acceptQuickPick,
  contextMenuPick,
  explorerRow,
  waitForNotification,
  waitForQuickPick,
} from '../lib/workbench.mjs';

export const settings = {};
// Generous: a loaded 2-core machine opens the workbench and starts the trainer many times slower.
export const timeoutMs = 8 * 60_000;

const TEXT_PICK = 'Column of speeches.csv that holds the text';
const LABEL_PICK = 'Column of speeches.csv that holds the label';
const MODEL_PICK = 'Text model for speeches.csv';
const URL_ITEM = 'ONNX encoder from a URL…';
const TINY_ENCODER = fileURLToPath(new URL('../../fixtures/generated/text-encoders/tiny', import.meta.url));
const RECIPE = [
  '# The speeches, by party.',
  'data: speeches.csv',
  'text:',
  '  # Every model, the best kept.',
  '  model: auto',
  '',
];

/** Before the workbench opens: a CSV whose columns are named unusually (so the pick matters). */
export function populate(workspace) {
  const quote = (s) => `"${s.replace(/"/g, '""')}"`;
  const rows = partySentences(60).flatMap(({ party, sentences }) => sentences.map((s) => [party, s]));
  const lines = rows.map(([party, s], i) => `${i + 1},${quote(party)},${quote(s)}`);
  fs.writeFileSync(path.join(workspace, 'speeches.csv'), ['id,speaker party,words', ...lines].join('\n') + '\n');
  // A recipe on that table naming no columns: the pick writes them into its text section.
  fs.writeFileSync(path.join(workspace, 'speeches.recipe.yaml'), RECIPE.join('\n'));
}

/** Serves the tiny encoder's folder on 127.0.0.1 (404 for what it lacks), counting the files it served. */
async function encoderServer() {
  const served = [];
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/encoder\//, '');
    const file = path.join(TINY_ENCODER, name);
    if (!file.startsWith(TINY_ENCODER + path.sep) || !fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    served.push(name);
    const body = fs.readFileSync(file);
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/encoder/`, served, close: () => server.close() };
}

/** Picks the URL item of the text model pick, then types a bad URL (refused by name) and the good one. */
async function pickEncoderUrl(page, url) {
  const items = await waitForQuickPick(page, MODEL_PICK, 60_000);
  if (items[0] !== 'auto' || items.at(-1) !== URL_ITEM) throw new Error(`the text model pick offered ${items}`);
  await page.keyboard.insertText('from a URL');
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await page.waitForFunction(
    // eslint-disable-next-line no-undef -- runs in the page
    () => document.querySelectorAll('.quick-input-widget .quick-input-list .monaco-list-row').length === 1,
    undefined,
    { timeout: 30_000 },
  );
  await rows.first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  const box = page.locator('.quick-input-widget .quick-input-box input');
  await page
    .locator('.quick-input-widget input[placeholder*="https://example.org/models"]')
    .waitFor({ timeout: 30_000 });
  const bad = 'ftp://127.0.0.1/encoder/';
  await page.keyboard.insertText(bad);
  const message = page.locator('.quick-input-widget .quick-input-message');
  const refusal = `"${bad}" is not an http:// or https:// URL.`;
  await waitFor(async () => (await message.innerText()).includes(refusal) || undefined, {
    timeout: 15_000,
    what: `the input box to refuse ${bad}`,
  });
  await page.keyboard.press('Enter');
  // Refused: the box stays open with the URL in it.
  if ((await box.inputValue()) !== bad) throw new Error('Enter on a refused URL closed the input box');
  await box.fill(url);
  await waitFor(async () => !(await message.innerText()).includes(refusal) || undefined, {
    timeout: 15_000,
    what: 'the refusal to go once the URL is good',
  });
  await page.keyboard.press('Enter');
  return refusal;
}

export async function run({ page, workspace, lap }) {
  const server = await encoderServer();
  try {
    return await trainOnTable(page, workspace, lap, server);
  } finally {
    server.close();
  }
}

async function trainOnTable(page, workspace, lap, server) {
  const row = explorerRow(page, 'speeches.csv');
  await row.waitFor({ timeout: 90_000 });
  await contextMenuPick(page, row, 'Fine-tune on This File');
  const columns = await waitForQuickPick(page, TEXT_PICK, 60_000);
  if (columns.join('|') !== 'id|speaker party|words') throw new Error(`text column pick offered ${columns}`);
  await page.keyboard.insertText('words');
  // Typing filters the list: Enter must wait until "words" is the only row left.
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.filter({ hasText: 'words' }).first().waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    // eslint-disable-next-line no-undef -- runs in the page
    () => document.querySelectorAll('.quick-input-widget .quick-input-list .monaco-list-row').length === 1,
    undefined,
    { timeout: 30_000 },
  );
  await page.keyboard.press('Enter');
  const labels = await acceptQuickPick(page, LABEL_PICK);
  if (labels[0] !== 'speaker party') throw new Error(`label column pick offered ${labels} (detected first)`);
  const refusal = await pickEncoderUrl(page, server.url);
  lap(`columns picked: text "words", label "${labels[0]}" of ${labels.join(', ')}; URL input refused: ${refusal}`);
  const done = await waitForNotification(page, 'Text model trained', 5 * 60_000);
  lap(`${done}; the server served ${server.served.join(', ')}`);

  const [runDir] = runFolders(workspace);
  const record = readJson(path.join(runDir, 'text-run.json'));
  if (record.columns.text !== 'words' || record.columns.label !== 'speaker party')
    throw new Error(`the run trained on columns ${JSON.stringify(record.columns)}`);
  if (record.classes.join('|') !== PARTIES.join('|')) throw new Error(`the run's classes: ${record.classes}`);
  if (record.kept !== 'encoder' || record.layers?.encoder?.folder !== server.url)
    throw new Error(`the run kept ${record.kept} on ${JSON.stringify(record.layers?.encoder)}, not ${server.url}`);
  for (const file of ['onnx/model.onnx', 'tokenizer.json'])
    if (!server.served.includes(file)) throw new Error(`the server never served ${file}: ${server.served}`);
  const recipe = fs.readFileSync(path.join(workspace, 'speeches.recipe.yaml'), 'utf8');
  const written = ['  column: words', '  labelColumn: speaker party', ...RECIPE.filter((l) => l.includes('#'))];
  const missing = written.filter((line) => !recipe.split('\n').includes(line));
  if (missing.length > 0) throw new Error(`the recipe lacks ${JSON.stringify(missing)}:\n${recipe}`);
  lap(`the recipe now reads: ${recipe.trim().split('\n').join(' / ')}`);

  await contextMenuPick(page, row, 'Fine-tune on This File');
  const again = await waitForQuickPick(page, TEXT_PICK, 60_000);
  await page.keyboard.press('Escape');
  if (again[0] !== 'words') throw new Error(`asked again, the text column pick offered ${again} (remembered first)`);
  lap(`asked again: ${again.join(', ')} (the remembered column first)`);
  return { accuracy: +record.evaluation.accuracy.toFixed(3), texts: record.split.train + record.split.validation };
}
