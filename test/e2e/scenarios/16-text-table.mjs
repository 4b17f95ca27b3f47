// Fine-tune on This File (issue 26): a CSV whose columns have unusual names (id, speaker party, words) →
// right-click → Fine-tune on This File → the text column pick (the user types "words"), the label column pick
// (the detected "speaker party" first) → the text model pick → "Text model trained"; the run trained on those
// columns. Asked again, the text column pick offers the remembered "words" first.
import fs from 'node:fs';
import path from 'node:path';
import { readJson, runFolders } from '../lib/runChecks.mjs';
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

/** Before the workbench opens: a CSV whose columns are named unusually (so the pick matters). */
export function populate(workspace) {
  const quote = (s) => `"${s.replace(/"/g, '""')}"`;
  const rows = partySentences(60).flatMap(({ party, sentences }) => sentences.map((s) => [party, s]));
  const lines = rows.map(([party, s], i) => `${i + 1},${quote(party)},${quote(s)}`);
  fs.writeFileSync(path.join(workspace, 'speeches.csv'), ['id,speaker party,words', ...lines].join('\n') + '\n');
}

export async function run({ page, workspace, lap }) {
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
  await acceptQuickPick(page, 'Text model for speeches.csv');
  const done = await waitForNotification(page, 'Text model trained', 5 * 60_000);
  lap(`columns picked: text "words", label "${labels[0]}" of ${labels.join(', ')}; ${done}`);

  const [runDir] = runFolders(workspace);
  const record = readJson(path.join(runDir, 'text-run.json'));
  if (record.columns.text !== 'words' || record.columns.label !== 'speaker party')
    throw new Error(`the run trained on columns ${JSON.stringify(record.columns)}`);
  if (record.classes.join('|') !== PARTIES.join('|')) throw new Error(`the run's classes: ${record.classes}`);

  await contextMenuPick(page, row, 'Fine-tune on This File');
  const again = await waitForQuickPick(page, TEXT_PICK, 60_000);
  await page.keyboard.press('Escape');
  if (again[0] !== 'words') throw new Error(`asked again, the text column pick offered ${again} (remembered first)`);
  lap(`asked again: ${again.join(', ')} (the remembered column first)`);
  return { accuracy: +record.evaluation.accuracy.toFixed(3), texts: record.split.train + record.split.validation };
}
