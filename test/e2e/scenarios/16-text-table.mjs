// Fine-tune on This File (issue 26): a CSV whose columns have unusual names (id, speaker party, words) →
// right-click → Fine-tune on This File → the text column pick (the user types "words"), the label column pick
// (the detected "speaker party" first) → the text model pick → "Text model trained"; the run trained on those
// columns. Asked again, the text column pick offers the remembered "words" first.
import path from 'node:path';
import { readJson, runFolders } from '../lib/runChecks.mjs';
import { PARTIES, writeTextTable } from '../lib/textData.mjs';
import {
  acceptQuickPick,
  contextMenuPick,
  explorerRow,
  waitForNotification,
  waitForQuickPick,
} from '../lib/workbench.mjs';

export const settings = {};
export const timeoutMs = 4 * 60_000;

const TEXT_PICK = 'Column of speeches.csv that holds the text';
const LABEL_PICK = 'Column of speeches.csv that holds the label';

export async function run({ page, workspace, lap }) {
  writeTextTable(path.join(workspace, 'speeches.csv'), 60);
  const row = explorerRow(page, 'speeches.csv');
  await row.waitFor({ timeout: 30_000 });
  await contextMenuPick(page, row, 'Fine-tune on This File');
  const columns = await waitForQuickPick(page, TEXT_PICK);
  if (columns.join('|') !== 'id|speaker party|words') throw new Error(`text column pick offered ${columns}`);
  await page.keyboard.insertText('words');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'words' }).first().waitFor();
  await page.keyboard.press('Enter');
  const labels = await acceptQuickPick(page, LABEL_PICK);
  if (labels[0] !== 'speaker party') throw new Error(`label column pick offered ${labels} (detected first)`);
  await acceptQuickPick(page, 'Text model for speeches.csv');
  const done = await waitForNotification(page, 'Text model trained', 3 * 60_000);
  lap(`columns picked: text "words", label "${labels[0]}" of ${labels.join(', ')}; ${done}`);

  const [runDir] = runFolders(workspace);
  const record = readJson(path.join(runDir, 'text-run.json'));
  if (record.columns.text !== 'words' || record.columns.label !== 'speaker party')
    throw new Error(`the run trained on columns ${JSON.stringify(record.columns)}`);
  if (record.classes.join('|') !== PARTIES.join('|')) throw new Error(`the run's classes: ${record.classes}`);

  await contextMenuPick(page, row, 'Fine-tune on This File');
  const again = await waitForQuickPick(page, TEXT_PICK);
  await page.keyboard.press('Escape');
  if (again[0] !== 'words') throw new Error(`asked again, the text column pick offered ${again} (remembered first)`);
  lap(`asked again: ${again.join(', ')} (the remembered column first)`);
  return { accuracy: +record.evaluation.accuracy.toFixed(3), texts: record.split.train + record.split.validation };
}
