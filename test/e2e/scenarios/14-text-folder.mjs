// Text in the editor (issue 26): right-click a folder of text classes → Fine-tune on This Folder → the text
// model pick (auto first) → "Text model trained" → Open Report: the panel's Evaluation tab shows the models
// against the baselines and the misclassified texts with their scores; the status bar names the new model.
// Pictures of that report in the dark and the light theme.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJson, runFolders, waitFor } from '../lib/runChecks.mjs';
import { writeTextClasses } from '../lib/textData.mjs';
import {
  acceptQuickPick,
  clickNotificationButton,
  contextMenuPick,
  explorerRow,
  waitForNotification,
  webviewContent,
  writeUserSettingsInEditor,
} from '../lib/workbench.mjs';

const TINY_ENCODER = new URL('../../fixtures/generated/text-encoders/tiny', import.meta.url);

export const settings = { 'workbench.colorTheme': 'Default Dark Modern' };
export const timeoutMs = 6 * 60_000;

export function populate(workspace) {
  const folder = path.join(workspace, 'speeches');
  writeTextClasses(folder, 60);
  // What the Dataset tab must own up to: a copy dropped before the split, a file that is not text.
  fs.copyFileSync(path.join(folder, 'Democratic', '0.txt'), path.join(folder, 'Democratic', 'copy.txt'));
  fs.writeFileSync(path.join(folder, 'Republican', 'notes.txt'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]));
  // An ONNX sentence encoder in the workspace: the text model pick lists it (npm run fixtures makes it).
  fs.cpSync(fileURLToPath(TINY_ENCODER), path.join(workspace, 'models', 'tiny-encoder'), { recursive: true });
}

export async function run({ page, workspace, sandbox, lap, screenshot }) {
  const row = explorerRow(page, 'speeches');
  await row.waitFor({ timeout: 60_000 });
  const started = Date.now();
  await contextMenuPick(page, row, 'Fine-tune on This Folder');
  const models = await acceptQuickPick(page, 'Text model for speeches');
  if (models[0] !== 'auto' || !models.includes('encoder: models/tiny-encoder'))
    throw new Error(
      `the text model pick offered ${models.join(', ')}; auto first and the workspace's encoder expected`,
    );
  lap(`text model pick: ${models.join(', ')}`);
  const done = await waitForNotification(page, 'Text model trained', 3 * 60_000);
  const seconds = (Date.now() - started) / 1000;
  lap(`notification: ${done}`);

  const [runDir] = runFolders(workspace);
  if (!runDir || !fs.existsSync(path.join(runDir, 'text-model.json')))
    throw new Error(`no text run folder in the workspace: ${runFolders(workspace).join(', ')}`);
  const record = readJson(path.join(runDir, 'text-run.json'));
  const statusItem = page.locator('.statusbar-item', { hasText: path.basename(runDir) });
  await statusItem.first().waitFor({ timeout: 10_000 });
  lap(`status bar names the active text model ${path.basename(runDir)}`);

  await clickNotificationButton(page, 'Text model trained', 'Open Report');
  const web = webviewContent(page);
  const texts = web.locator('[data-testid="misclassified-text"]');
  // A cold machine takes a while to start the panel's webview.
  await web.locator('[data-testid="evaluation-accuracy"]').waitFor({ timeout: 90_000 });
  lap('the report shows its accuracy');
  await texts.first().waitFor({ timeout: 30_000 });
  const headline = await web.locator('[data-testid="evaluation-accuracy"]').innerText();
  const shown = await texts.count();
  const wrong = record.evaluation.misclassified.length;
  if (shown !== Math.min(wrong, 40)) throw new Error(`the panel lists ${shown} misclassified texts; the run ${wrong}`);
  const first = (await texts.first().innerText()).replace(/\s+/g, ' ');
  const m = record.evaluation.misclassified[0];
  if (!first.includes(`${m.actual} → ${m.predicted}`)) throw new Error(`first misclassified text reads "${first}"`);
  const words = fs.readFileSync(m.path, 'utf8').split(/\s+/).slice(0, 4).join(' ');
  if (!first.includes(words)) throw new Error(`"${first}" does not show the text of ${m.path} ("${words}…")`);
  const candidates = await web.locator('[data-testid="text-candidate"]').count();
  if (candidates !== record.candidates.length)
    throw new Error(`${candidates} model rows for ${record.candidates.length} candidates and baselines`);
  lap(`report: "${headline}"; ${shown} misclassified texts, first "${first.slice(0, 90)}…"; ${candidates} models`);
  await screenshot('01-dark-text-report');

  // The Dataset tab: per class its count, lengths and snippets, as words.
  await web.locator('[data-testid="tab-dataset"]').click();
  const cards = web.locator('[data-testid="dataset-class"]');
  await cards.nth(1).waitFor({ timeout: 15_000 });
  const counts = await web.locator('[data-testid="class-count"]').allInnerTexts();
  const snippets = await web.locator('[data-testid="text-snippet"]').count();
  const histograms = await web.locator('[data-testid="length-distribution"]').count();
  if ((await cards.count()) !== 2 || snippets < 2 || histograms !== 2)
    throw new Error(`Dataset tab: ${await cards.count()} classes, ${snippets} snippets, ${histograms} histograms`);
  const split = await web.locator('[data-testid="dataset-split"]').innerText();
  lap(`dataset tab: ${counts.join('; ')}; ${snippets} snippets; "${split}"`);
  const dropped = await web.locator('[data-testid="class-dropped"]').allInnerTexts();
  if (dropped.join(' | ') !== '1 duplicate dropped | 1 file skipped')
    throw new Error(`Dataset tab: the classes say they lost "${dropped.join(' | ')}"`);
  await web.locator('[data-testid="dataset-skipped"] summary').click();
  const skipped = await web.locator('[data-testid="dataset-skipped"] [data-testid="skipped-file"]').allInnerTexts();
  if (skipped.length !== 1 || !/notes\.txt\s+Republican\s+binary/.test(skipped[0]))
    throw new Error(`Dataset tab: skipped files read ${JSON.stringify(skipped)}`);
  lap(`dataset tab: ${dropped.join('; ')}; skipped "${skipped[0].replace(/\s+/g, ' ')}"`);
  await screenshot('02-dark-text-dataset');

  // The Layers tab: the kept text model layer by layer, as text-run.json records it.
  await web.locator('[data-testid="tab-layers"]').click();
  const layerRows = web.locator('[data-testid="text-layer"]');
  await layerRows.first().waitFor({ timeout: 15_000 });
  const layerNames = await layerRows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-layer')));
  const layersTitle = await web.locator('[data-testid="text-layers-title"]').innerText();
  if (!layersTitle.includes(`Text model: ${record.kept}`) || !layerNames.some((n) => n.endsWith('Head')))
    throw new Error(`Layers tab: "${layersTitle}" with ${layerNames.join(', ')} for a run that kept ${record.kept}`);
  lap(`layers tab: ${layerNames.join(', ')}`);
  await screenshot('03-dark-text-layers');
  await web.locator('[data-testid="tab-dataset"]').click();

  const settingsFile = path.join(sandbox.dirs.userData, 'User', 'settings.json');
  await writeUserSettingsInEditor(
    page,
    { ...readJson(settingsFile), 'workbench.colorTheme': 'Default Light Modern' },
    settingsFile,
  );
  await waitFor(
    async () => {
      // eslint-disable-next-line no-undef -- runs in the webview
      const rgb = await web.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
      const [r, g, b] = rgb.match(/[\d.]+/g).map(Number);
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 > 0.5 || undefined;
    },
    { timeout: 15_000, what: 'the panel to turn light' },
  );
  // The checkboxes (@vscode-elements) draw with the settings editor's checkbox colour: VS Code must set it,
  // else an unchecked box falls back to a dark square (test/webview/themes.ts mirrors what is read here).
  const checkbox = await web
    .locator('html')
    // eslint-disable-next-line no-undef -- runs in the webview
    .evaluate((h) => getComputedStyle(h).getPropertyValue('--vscode-settings-checkboxBackground').trim());
  if (!checkbox) throw new Error('VS Code set no --vscode-settings-checkboxBackground in the light webview');
  lap(`light theme: the checkbox background VS Code gives the webview is ${checkbox}`);
  await screenshot('04-light-text-dataset');
  await web.locator('[data-testid="tab-layers"]').click();
  await screenshot('05-light-text-layers');
  await web.locator('[data-testid="tab-evaluation"]').click();
  await screenshot('06-light-text-report');
  return {
    'click→trained s': +seconds.toFixed(1),
    accuracy: +record.evaluation.accuracy.toFixed(3),
    misclassified: wrong,
  };
}
