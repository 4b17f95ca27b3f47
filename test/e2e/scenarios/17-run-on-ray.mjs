// Run on Ray from a recipe (issue 28): the recipe's "Run on Ray Cluster…" CodeLens → the address and the
// workers, prefilled from its ray: section (a private local Ray, 1 worker), accepted with Enter → the
// training panel's chart grows as the job's batches arrive → "Training finished" → the Runs view lists the
// run, whose folder holds the Ray job's record. About 30 images, one epoch of the head and one of the top.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkRunFolder, readJson, runFolders, waitFor } from '../lib/runChecks.mjs';
import {
  explorerRow,
  openViewContainer,
  runCommand,
  treeRow,
  viewPane,
  visibleNotifications,
  webviewContent,
} from '../lib/workbench.mjs';

// The Python with ray[train], keras and torch that scripts/setup-python.sh installs (test/helpers/python.ts).
const CACHE = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'transfer-studio');
const PYENV = process.env.TRANSFER_STUDIO_PYENV ?? path.join(CACHE, 'pyenv');
const PYTHON = process.env.TRANSFER_STUDIO_TEST_PYTHON ?? path.join(PYENV, 'bin/python');
const HAS_PYTHON = fs.existsSync(PYTHON);

export const skip =
  HAS_PYTHON || process.env.CI ? undefined : 'no Python test environment (run scripts/setup-python.sh)';
export const settings = { 'transferStudio.python': PYTHON };
// Ray starts its own processes: on a loaded machine the private Ray took minutes to stand (up to 5 tries).
export const timeoutMs = 20 * 60_000;

const RECIPE = 'ray-digits.recipe.yaml';
// 10 images per class of the 3-class fixture: 6 train, 2 validate, 2 test each.
const RECIPE_TEXT = `# e2e scenario 17: a short run on a private local Ray.
data: fashion-small
base: mobilenet_v2
maxPerClass: 10
validationSplit: 0.2
testSplit: 0.2
seed: 7
epochs: 1
batchSize: 4
secondPhase:
  unfreezeFrom: Conv_1
  epochs: 1
ray:
  address: local
  workers: 1
`;

export const populate = (workspace) => fs.writeFileSync(path.join(workspace, RECIPE), RECIPE_TEXT);

const TRAINING = 12 * 60_000;
const LANGUAGE_SERVER = 4 * 60_000;
const since = (t) => ((Date.now() - t) / 1000).toFixed(1);

/** Accepts the input box titled "Run on Ray Cluster" once it shows `value` under a prompt holding `prompt`. */
async function acceptInputBox(page, prompt, value) {
  const widget = page.locator('.quick-input-widget', { hasText: prompt });
  const input = widget.locator('.quick-input-box input');
  await waitFor(async () => (await input.isVisible()) && (await input.inputValue()) === value, {
    timeout: 30_000,
    what: `the input box "${prompt}" holding ${value}`,
  });
  await page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden', timeout: 10_000 });
}

export async function run({ page, workspace, lap, screenshot }) {
  if (!HAS_PYTHON) throw new Error(`CI must have the Python test environment (${PYTHON}): scripts/setup-python.sh`);
  const row = explorerRow(page, RECIPE);
  await row.waitFor({ timeout: 60_000 });
  await row.click();
  await page.locator('.tabs-container .tab.active', { hasText: RECIPE }).waitFor({ timeout: 60_000 });
  const opened = Date.now();
  // The recipe activates the extension through VS Code's search for workspaceContains:**/*.recipe.yaml, which
  // VS Code gives up after a few seconds on a busy machine ("Not activating extension …: Timed out while
  // searching for 'workspaceContains' pattern", seen at load 11–17): no lens ever came then. The extension
  // does not activate on every YAML file, so the user meets it as here, in its view.
  await openViewContainer(page, 'Transfer Studio');
  // The lenses come from the recipe language server, which starts when the extension sees the open recipe:
  // a new Node process that loads the recipe rules.
  const editor = page.locator('.editor-instance .monaco-editor').first();
  const lenses = editor.locator('.codelens-decoration a');
  const lens = lenses.filter({ hasText: 'Run on Ray Cluster…' }).first();
  try {
    await lens.waitFor({ timeout: LANGUAGE_SERVER });
  } catch (err) {
    throw new Error(
      `no "Run on Ray Cluster…" lens ${LANGUAGE_SERVER / 1000} s after ${RECIPE} opened (lenses: ${
        (await lenses.allInnerTexts()).join(' | ') || 'none'
      }; showing: ${(await visibleNotifications(page)).join(' || ') || 'no notification'}): ${err.message}`,
    );
  }
  lap(`${RECIPE} open; CodeLens after ${since(opened)} s: ${(await lenses.allInnerTexts()).join(' | ')}`);
  const started = Date.now();
  await lens.click();
  await acceptInputBox(page, 'address', 'local');
  await acceptInputBox(page, 'workers', '1');
  lap('Run on Ray Cluster: address local and 1 worker accepted');

  await runCommand(page, 'Transfer Studio: Open Training Panel');
  const web = webviewContent(page);
  await web.locator('[data-testid="tab-training"]').waitFor({ timeout: 60_000 });
  await web.locator('[data-testid="tab-training"]').click();
  const counter = web.locator('[data-testid="chart-points"]');
  const finished = page.locator('.notifications-toasts .notification-toast', { hasText: 'Training finished' });
  const seen = [];
  try {
    await waitFor(
      async () => {
        const n = Number(await counter.getAttribute('data-count', { timeout: 5000 }).catch(() => NaN));
        if (Number.isFinite(n) && n !== seen.at(-1)) seen.push(n);
        return finished.isVisible();
      },
      { timeout: TRAINING, interval: 250, what: '"Training finished" while watching the chart' },
    );
  } catch (err) {
    throw new Error(
      `${err.message}; chart ${seen.join(' → ')}; showing: ${(await visibleNotifications(page)).join(' || ')}`,
    );
  }
  const seconds = (Date.now() - started) / 1000;
  const grown = seen.filter((n) => n > 0);
  lap(`batch points seen while the Ray job trained: ${seen.join(' → ')}; finished after ${seconds.toFixed(0)} s`);
  // Each epoch sends its first and last batch at least (2 epochs here). On a quiet machine the whole job's
  // batches came within one poll (0 → 4 seen), so the count at the end is checked, not the steps between.
  if (!(grown.at(-1) >= 4) || grown.some((n, i) => i > 0 && n < grown[i - 1]))
    throw new Error(`the chart did not get each epoch's batches: ${seen.join(' → ')}`);
  await screenshot('01-trained');

  const runs = runFolders(workspace);
  if (runs.length !== 1) throw new Error(`expected one run folder, found ${runs.length}: ${runs.join(', ')}`);
  const runDir = runs[0];
  await checkRunFolder(runDir, 'finished');
  const job = readJson(path.join(runDir, 'ray-job.json'));
  if (job.plan?.workers !== 1) throw new Error(`ray-job.json plans ${job.plan?.workers} workers, the recipe 1`);
  const phases = readJson(path.join(runDir, 'metrics.json')).transfer?.map((h) => h.phase);
  if (phases?.join() !== '1,2') throw new Error(`metrics.json has phases ${phases}, the recipe one epoch of each`);

  await openViewContainer(page, 'Transfer Studio');
  const pane = await viewPane(page, 'Runs');
  const listed = treeRow(pane, path.basename(runDir)).first();
  await listed.waitFor({ timeout: 30_000 });
  lap(`Runs view: ${(await listed.innerText()).replace(/\s+/g, ' ').trim()}`);
  await screenshot('02-runs-view');
  return { 'Run→finished s': +seconds.toFixed(1), 'chart points': grown.at(-1) };
}
