// The training panel: right-click → Fine-tune → Enter (base) → "Open Training Panel"; in the webview, "Freeze
// up to here" on block_16_project_BN (so Conv_1 and Conv_1_bn train); the Layers view follows; Start
// training from the panel; the batch chart grows; the run froze what the panel said. Screenshots of the
// panel in the dark and the light theme, and the webview's colours follow the theme.
import path from 'node:path';
import { startPickFor, basePickFor } from '../lib/flows.mjs';
import { checkFreeze, cliLayers } from '../lib/freezeChecks.mjs';
import { checkRunFolder, readJson, runFolders, waitFor } from '../lib/runChecks.mjs';
import {
  acceptQuickPick,
  contextMenuPick,
  explorerRow,
  openViewContainer,
  treeRow,
  viewPane,
  waitForNotification,
  waitForQuickPick,
  webviewContent,
  writeUserSettingsInEditor,
} from '../lib/workbench.mjs';

// Augmentation streams images through the frozen base each epoch: slow enough to watch the chart grow.
export const settings = { 'workbench.colorTheme': 'Default Dark Modern', 'transferStudio.augmentation': true };

const CUT_AFTER = 'block_16_project_BN';
const TRAINED = ['Conv_1', 'Conv_1_bn'];

/** Relative luminance (0 dark … 1 light) of a CSS rgb() colour. */
function luminance(rgb) {
  const [r, g, b] = rgb
    .match(/[\d.]+/g)
    .slice(0, 3)
    .map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

async function webviewBackground(web) {
  // eslint-disable-next-line no-undef -- runs in the webview
  return web.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
}

export async function run({ page, workspace, sandbox, lap, screenshot }) {
  const row = explorerRow(page, 'fashion-small');
  await row.waitFor({ timeout: 30_000 });
  await contextMenuPick(page, row, 'Fine-tune on This Folder');
  await acceptQuickPick(page, basePickFor('fashion-small'));
  await waitForQuickPick(page, startPickFor('fashion-small'));
  await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Open Training Panel' })
    .click();

  const web = webviewContent(page);
  await web.locator('[data-testid="tab-layers"]').waitFor({ timeout: 30_000 });
  lap('panel open');
  await web.locator('[data-testid="tab-layers"]').click();
  const layerRow = web.locator(`[data-testid="layer-row"][data-layer="${CUT_AFTER}"]`);
  await layerRow.scrollIntoViewIfNeeded();
  await layerRow.hover();
  await layerRow.locator('button[data-action="freeze-up-to"]').click();
  for (const name of TRAINED) {
    await web
      .locator(`[data-testid="layer-row"][data-layer="${name}"][data-state="trainable"]`)
      .waitFor({ timeout: 10_000 });
  }
  const panelTrainable = Number(await web.locator('[data-testid="totals-trainable"]').getAttribute('data-value'));
  lap(`"Freeze up to here" on ${CUT_AFTER}: ${TRAINED.join(', ')} train; panel totals ${panelTrainable} trainable`);
  await screenshot('01-dark-layers');

  // The Layers view shows the same choice.
  await openViewContainer(page, 'Transfer Studio');
  const layers = await viewPane(page, 'Layers');
  await treeRow(layers, 'input_1').click();
  await page.keyboard.press('End');
  for (const name of TRAINED) {
    const box = treeRow(layers, name).getByRole('checkbox');
    await page.waitForFunction((el) => el.getAttribute('aria-checked') === 'true', await box.elementHandle(), {
      timeout: 10_000,
    });
  }
  const viewText = (await layers.locator('.pane-header').innerText()).replace(/\s+/g, ' ');
  if (!viewText.includes(panelTrainable.toLocaleString('en-US')))
    throw new Error(`the Layers view says "${viewText}", the panel ${panelTrainable} trainable`);
  lap(`Layers view follows: ${TRAINED.join(', ')} checked; "${viewText}"`);

  await web.locator('[data-testid="tab-training"]').click();
  const start = web.locator('[data-testid="start-training"]');
  await start.click();
  lap('Start training clicked in the panel');
  const counter = web.locator('[data-testid="chart-points"]');
  const seen = [];
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Training finished' });
  await waitFor(
    async () => {
      const n = Number(await counter.getAttribute('data-count'));
      if (n !== seen.at(-1)) seen.push(n);
      return toast.isVisible();
    },
    { timeout: 4 * 60_000, interval: 250, what: '"Training finished" while watching the chart' },
  );
  const grown = seen.filter((n) => n > 0);
  lap(`batch points seen while training: ${seen.join(' → ')}`);
  if (grown.length < 2 || grown.some((n, i) => i > 0 && n < grown[i - 1]))
    throw new Error(`the chart did not grow: ${seen.join(' → ')}`);
  await screenshot('02-dark-trained');
  const invalid = await web
    .locator('[data-testid="training-settings"] vscode-textfield')
    .evaluateAll((fields) =>
      fields
        .filter((f) => f.invalid || f.matches(':invalid') || f.shadowRoot?.querySelector('input:invalid'))
        .map((f) => `${f.id}=${f.value}`),
    );
  if (invalid.length) lap(`NOTE: settings fields shown as invalid: ${invalid.join(', ')}`);
  lap(`notification: ${await waitForNotification(page, 'Training finished', 1000)}`);

  const [runDir] = runFolders(workspace);
  await checkRunFolder(runDir, 'finished');
  const f = checkFreeze(runDir, TRAINED, cliLayers(sandbox.dirs.extensions));
  lap(
    `run froze ${f.frozen} of ${f.kept} weighted layers; trainableParams ${f.trainableParams} = head ${f.head} + ${f.trainedParams}`,
  );

  // The Evaluation and Dataset tabs render what the run and the folder hold (thumbnails are data: URIs
  // under the webview's CSP).
  await web.locator('[data-testid="tab-evaluation"]').click();
  const accuracy = await web.locator('[data-testid="evaluation-accuracy"]').innerText({ timeout: 15_000 });
  await web.locator('[data-testid="tab-dataset"]').click();
  await web.locator('[data-testid="dataset-class"]').nth(2).waitFor({ timeout: 15_000 });
  const shown = await waitFor(
    async () => {
      const n = await web
        .locator('[data-testid="dataset-class"] img')
        .evaluateAll((imgs) => imgs.filter((i) => i.complete && i.naturalWidth > 0).length);
      return n > 0 ? n : undefined;
    },
    { timeout: 15_000, what: 'dataset thumbnails to load' },
  );
  lap(`evaluation tab: "${accuracy.replace(/\s+/g, ' ')}"; dataset tab: 3 classes, ${shown} thumbnails loaded`);
  await screenshot('03-dark-dataset');
  await web.locator('[data-testid="tab-training"]').click();

  const dark = await webviewBackground(web);
  const settingsFile = path.join(sandbox.dirs.userData, 'User', 'settings.json');
  const lightTheme = { ...readJson(settingsFile), 'workbench.colorTheme': 'Default Light Modern' };
  await writeUserSettingsInEditor(page, lightTheme, settingsFile);
  await web.locator('[data-testid="tab-training"]').waitFor({ timeout: 15_000 });
  const light = await waitFor(
    async () => {
      const c = await webviewBackground(web);
      return c !== dark ? c : undefined;
    },
    { timeout: 15_000, what: 'the webview background to change with the theme' },
  );
  await screenshot('04-light-trained');
  if (!(luminance(dark) < 0.5 && luminance(light) > 0.5))
    throw new Error(`webview background: dark theme ${dark}, light theme ${light}`);
  lap(`webview background follows the theme: dark ${dark}, light ${light}`);
  return { 'chart points': grown.at(-1) };
}
