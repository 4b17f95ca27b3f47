// First run, as the walkthrough tells it: "Welcome: Open Walkthrough…" → Get Started with Transfer Studio →
// its "Open a Sample Folder" button copies the sample images into the workspace → right-click → Fine-tune →
// the panel charts the training → Open Report (the panel turns to its Evaluation tab) → Runs view → Reveal
// Model. Each step is photographed; with E2E_SAVE_PICTURES=1 the pictures replace media/walkthrough/*.png (the
// walkthrough's and the README's).
// Also reports the activation time the extension logged.
import fs from 'node:fs';
import path from 'node:path';
import { basePickFor, startPickFor } from '../lib/flows.mjs';
import { extensionLogs, runFolders, waitFor } from '../lib/runChecks.mjs';
import {
  acceptQuickPick,
  clickNotificationButton,
  contextMenuPick,
  explorerRow,
  openViewContainer,
  runCommand,
  treeRow,
  viewPane,
  waitForNotification,
  waitForQuickPick,
  webviewContent,
} from '../lib/workbench.mjs';

// The README's pictures (E2E_SAVE_PICTURES=1, from npm run readme) show the default flow: the settings'
// defaults. CI's run is short: augmentation streams images through the frozen base each epoch, so the chart is
// caught mid-training within a few minutes.
const DEFAULT_FLOW = !!process.env.E2E_SAVE_PICTURES;
const declared = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).contributes
  .configuration.properties;
const defaultOf = (key) => declared[`transferStudio.${key}`].default;
export const settings = {
  'workbench.colorTheme': 'Default Dark Modern',
  ...(DEFAULT_FLOW
    ? Object.fromEntries(['epochs', 'batchSize', 'secondPhase'].map((k) => [`transferStudio.${k}`, defaultOf(k)]))
    : { 'transferStudio.augmentation': true, 'transferStudio.epochs': 4 }),
};
/** The default flow may use its whole time budget after caching the features. */
export const timeoutMs = DEFAULT_FLOW ? 12 * 60_000 : undefined;
const TRAINING_TIMEOUT = DEFAULT_FLOW ? 10 * 60_000 : 4 * 60_000;
/** Batch points on the chart when it is photographed: the default flow's head runs hundreds of short epochs. */
const POINTS_AT_PICTURE = DEFAULT_FLOW ? 150 : 20;

const SAMPLE = 'transfer-studio-sample';

export async function run({ page, workspace, sandbox, lap, screenshot, root, artifacts }) {
  const pictures = [];
  const picture = async (name) => {
    await screenshot(name);
    pictures.push(name);
  };

  // The walkthrough is listed and its first button works.
  await runCommand(page, 'Welcome: Open Walkthrough...');
  const walkthroughs = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', {
    hasText: 'Get Started with Transfer Studio',
  });
  await walkthroughs.first().waitFor({ timeout: 15_000 });
  await walkthroughs.first().click();
  const sampleButton = page.getByRole('button', { name: 'Open a Sample Folder' }).first();
  await sampleButton.waitFor({ timeout: 30_000 });
  await screenshot('0-walkthrough'); // an artifact only: it shows the walkthrough's own pictures
  lap('walkthrough "Get Started with Transfer Studio" open');
  await sampleButton.click();
  await waitForNotification(page, 'Sample images', 30_000);
  const sampleDir = path.join(workspace, SAMPLE);
  const copied = fs.readdirSync(sampleDir).map((c) => fs.readdirSync(path.join(sampleDir, c)).length);
  if (copied.length !== 3 || copied.some((n) => n !== 30))
    throw new Error(`sample folder holds ${copied.join('/')} images per class`);
  const row = explorerRow(page, SAMPLE);
  await row.waitFor({ timeout: 15_000 });
  await runCommand(page, 'View: Close All Editors');
  await picture('1-data');
  lap(`"Open a Sample Folder": ${copied.length} classes × 30 images in ${SAMPLE}/, revealed in the Explorer`);

  // Right-click → the menu (photographed open) → Fine-tune → Enter → "Open Training Panel".
  await row.click({ button: 'right' });
  const item = page
    .locator('.context-view.monaco-menu-container')
    .getByRole('menuitem', { name: 'Fine-tune on This Folder', exact: true });
  await item.waitFor({ timeout: 15_000 }).catch(() => {});
  await picture('2-fine-tune');
  await page.keyboard.press('Escape');
  await contextMenuPick(page, row, 'Fine-tune on This Folder');
  await acceptQuickPick(page, basePickFor(SAMPLE));
  await waitForQuickPick(page, startPickFor(SAMPLE));
  await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Open Training Panel' })
    .click();
  const web = webviewContent(page);
  await web.locator('[data-testid="tab-training"]').waitFor({ timeout: 30_000 });
  await web.locator('[data-testid="tab-training"]').click();
  await web.locator('[data-testid="start-training"]').click();
  lap('training started from the panel');

  // Mid-training: some batch points drawn, the run not finished yet.
  const counter = web.locator('[data-testid="chart-points"]');
  const finished = page.locator('.notifications-toasts .notification-toast', { hasText: 'Training finished' });
  const points = await waitFor(
    async () => {
      const n = Number(await counter.getAttribute('data-count'));
      if (await finished.isVisible())
        throw new Error(`training finished before the chart was photographed (${n} points)`);
      return n >= POINTS_AT_PICTURE ? n : undefined;
    },
    { timeout: TRAINING_TIMEOUT, interval: 250, what: `${POINTS_AT_PICTURE} batch points on the chart` },
  );
  await picture('3-panel');
  lap(`panel photographed mid-training with ${points} batch points`);

  await waitForNotification(page, 'Training finished', TRAINING_TIMEOUT);
  await clickNotificationButton(page, 'Training finished', 'Open Report');
  await web.locator('[data-testid="evaluation-accuracy"]').waitFor({ timeout: 30_000 });
  await picture('4-report');
  lap(`report: "${(await web.locator('[data-testid="evaluation-accuracy"]').innerText()).replace(/\s+/g, ' ')}"`);

  const [runDir] = runFolders(workspace);
  // The Runs view lists the run; its context menu reveals the model in the Explorer.
  await openViewContainer(page, 'Transfer Studio');
  const runs = await viewPane(page, 'Runs');
  const runRow = treeRow(runs, path.basename(runDir));
  await runRow.waitFor({ timeout: 15_000 });
  await contextMenuPick(page, runRow, 'Reveal Model');
  await explorerRow(page, 'model.json').waitFor({ timeout: 15_000 });
  await picture('5-export');
  lap(`Reveal Model: ${path.relative(workspace, runDir)}/model.json shown in the Explorer`);

  const activation = extensionLogs(sandbox.dirs.userData)
    .flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/activated in (\d+) ms/g)])
    .map((m) => Number(m[1]));
  if (!activation.length) throw new Error('the log has no "activated in N ms" line');
  lap(`activation: ${activation.join(', ')} ms (as logged by activate())`);

  if (process.env.E2E_SAVE_PICTURES) {
    const target = path.join(root, 'media', 'walkthrough');
    fs.mkdirSync(target, { recursive: true });
    for (const name of pictures) {
      fs.copyFileSync(path.join(artifacts, `09-first-run-${name}.png`), path.join(target, `${name}.png`));
    }
  }
  return { 'activation ms': activation[0], 'chart points at picture': points };
}
