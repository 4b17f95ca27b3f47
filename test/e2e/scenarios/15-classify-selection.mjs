// Classify Selection (issue 26): a text model made by the VSIX's own CLI on a folder of text classes; in an
// open file, one selected line → editor context menu → Classify Selection → the text model pick → a
// notification with the label, its score and the run used; then three selected lines from the palette → one
// row per line in a side document. The labels shown are the ones `predict` gives for the same lines.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { partySentences, writeTextClasses } from '../lib/textData.mjs';
import { acceptQuickPick, contextMenuPick, explorerRow, runCommand, waitForNotification } from '../lib/workbench.mjs';

export const settings = {};
export const timeoutMs = 4 * 60_000;

/** The installed extension's CLI, run on the system Node. */
function cli(sandbox, args) {
  const ext = fs.readdirSync(sandbox.dirs.extensions).find((d) => d.startsWith('transfer-studio.'));
  const out = execFileSync(process.execPath, [path.join(sandbox.dirs.extensions, ext, 'dist', 'cli.js'), ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

export async function run({ page, workspace, sandbox, lap }) {
  const runs = path.join(workspace, '.transfer-studio', 'runs');
  writeTextClasses(path.join(workspace, 'speeches'), 60);
  const trained = cli(sandbox, ['train', path.join(workspace, 'speeches'), '--out', runs, '--json']);
  const runDir = trained.find((l) => l.type === 'result').result.runDir;
  // Lines the model did not train on: later sentences of each party.
  const lines = partySentences(75).flatMap(({ sentences }) => sentences.slice(70, 72));
  const notes = path.join(workspace, 'notes.md');
  fs.writeFileSync(notes, `${lines.join('\n')}\n`);
  lap(`CLI trained ${path.basename(runDir)}; notes.md holds ${lines.length} unseen sentences`);

  const file = explorerRow(page, 'notes.md');
  await file.waitFor({ timeout: 30_000 });
  await file.dblclick();
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.locator('.view-line', { hasText: lines[0].slice(0, 30) }).waitFor({ timeout: 15_000 });
  await editor.click({ position: { x: 100, y: 10 } });
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Shift+End');
  await contextMenuPick(page, editor.locator('.view-line').first(), 'Classify Selection');
  const offered = await acceptQuickPick(page, 'Text model for Classify Selection');
  if (offered[0] !== path.basename(runDir)) throw new Error(`the text model pick offered ${offered.join(', ')}`);
  const one = await waitForNotification(page, 'notes.md:', 60_000);
  const label = cliLabel(sandbox, runDir, lines[0]);
  if (!one.includes(`notes.md: ${label} `) || !one.includes(path.basename(runDir)))
    throw new Error(`notification "${one}"; predict says ${label} with ${path.basename(runDir)}`);
  lap(`one line: "${one}"`);

  await editor.click({ position: { x: 100, y: 10 } });
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+Down');
  await runCommand(page, 'Transfer Studio: Classify Selection');
  const side = page.locator('.editor-instance .monaco-editor', { hasText: 'Classified with' });
  await side.first().waitFor({ timeout: 60_000 });
  const table = (await side.first().locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
  const rows = table.split('\n').filter((l) => /^\| \d+ \|/.test(l));
  if (rows.length !== 3) throw new Error(`the side document has ${rows.length} result rows:\n${table}`);
  lines.slice(0, 3).forEach((_, i) => {
    const label = cliLabel(sandbox, runDir, lines[i]);
    if (!rows[i].startsWith(`| ${i + 1} | ${label} |`)) throw new Error(`row ${i + 1} "${rows[i]}"; predict: ${label}`);
  });
  lap(`three lines: ${rows.map((r) => r.split('|')[2].trim()).join(', ')} in a side document`);
  return { 'lines classified': 4 };
}

function cliLabel(sandbox, runDir, text) {
  return cli(sandbox, ['predict', runDir, '--text', text, '--json']).find((l) => l.type === 'prediction').label;
}
