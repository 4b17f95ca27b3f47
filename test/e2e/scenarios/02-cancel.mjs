// Cancel a run midway: once an epoch has finished (checkpoint/state.json on disk), "Transfer Studio: Cancel
// Training" from the command palette → "Training cancelled"; the checkpoint loads and run.json says
// cancelled. Then the user lowers the epochs in settings.json and a new run finishes.
// Augmentation makes each epoch stream the images through the frozen base (seconds per epoch instead of a
// fraction of a second on cached features), so 30 epochs leave plenty of time to cancel in the middle.
import fs from 'node:fs';
import path from 'node:path';
import { fineTuneWithDefaults, startPickFor } from '../lib/flows.mjs';
import { checkRunFolder, loadAndPredict, readJson, runFolders, waitFor } from '../lib/runChecks.mjs';
import { runCommand, waitForNotification, waitForQuickPick, writeUserSettingsInEditor } from '../lib/workbench.mjs';

export const settings = { 'transferStudio.epochs': 30, 'transferStudio.augmentation': true };

export async function run({ page, workspace, sandbox, lap, screenshot }) {
  await fineTuneWithDefaults(page, 'fashion-small', lap);
  const state = await waitFor(
    () => {
      const [dir] = runFolders(workspace);
      const file = dir && path.join(dir, 'checkpoint', 'state.json');
      return file && fs.existsSync(file) ? file : undefined;
    },
    { timeout: 3 * 60_000, what: 'checkpoint/state.json of the first epoch' },
  );
  const runDir = path.dirname(path.dirname(state));
  lap(`checkpoint after epoch ${readJson(state).epoch}; cancelling`);
  await screenshot('01-before-cancel');

  await runCommand(page, 'Transfer Studio: Cancel Training');
  const cancelled = await waitForNotification(page, 'Training cancelled', 60_000);
  lap(`notification: ${cancelled}`);
  await screenshot('02-cancelled');
  if (!cancelled.includes('checkpoint'))
    throw new Error(`the cancel message does not name the checkpoint: ${cancelled}`);

  // A cancelled run keeps the model of its last finished epoch in checkpoint/, not beside run.json.
  await waitFor(() => readJson(path.join(runDir, 'run.json')).status === 'cancelled', {
    timeout: 15_000,
    what: `run.json of ${path.basename(runDir)} to say "cancelled"`,
  });
  const checkpoint = readJson(path.join(runDir, 'checkpoint', 'state.json'));
  const labels = readJson(path.join(runDir, 'labels.json'));
  const loaded = await loadAndPredict(path.join(runDir, 'checkpoint', 'model.json'));
  if (loaded.shape.join() !== `1,${labels.length}`)
    throw new Error(`checkpoint model outputs [${loaded.shape}] for ${labels.length} classes`);
  lap(
    `run.json status cancelled; checkpoint of epoch ${checkpoint.epoch}/30 loads (output [${loaded.shape}]); files: ${fs.readdirSync(runDir).join(' ')}`,
  );
  if (checkpoint.epoch >= 30) throw new Error('the run was not cancelled midway: the checkpoint is of the last epoch');

  // The user lowers the epochs in settings.json; the start quick pick shows the new value.
  const settingsFile = path.join(sandbox.dirs.userData, 'User', 'settings.json');
  await writeUserSettingsInEditor(
    page,
    { ...readJson(settingsFile), 'transferStudio.epochs': 2, 'transferStudio.augmentation': false },
    settingsFile,
  );
  const saved = readJson(settingsFile);
  lap(
    `settings saved from the editor: epochs ${saved['transferStudio.epochs']}, augmentation ${saved['transferStudio.augmentation']}`,
  );
  // The configuration service takes the saved file in on its own schedule: ask again for up to 20 s.
  const askUntil = Date.now() + 20_000;
  for (;;) {
    const { details } = await fineTuneWithDefaults(page, 'fashion-small', lap, { accept: false });
    if (/\b2 epochs\b/.test(details)) break;
    if (Date.now() > askUntil)
      throw new Error(`the start quick pick still says "${details}" after the settings change`);
    await page.keyboard.press('Escape');
    await page.waitForTimeout(1000);
  }
  await waitForQuickPick(page, startPickFor('fashion-small'));
  await page.keyboard.press('Enter');
  lap('second run started');
  const finished = await waitForNotification(page, 'Training finished', 4 * 60_000);
  lap(`notification: ${finished}`);
  const runs = runFolders(workspace);
  if (runs.length !== 2) throw new Error(`expected two run folders, found ${runs.length}`);
  await checkRunFolder(runs[1], 'finished');
  const epochs = readJson(path.join(runs[1], 'metrics.json')).transfer.length;
  if (epochs !== 2) throw new Error(`the new run trained ${epochs} epochs; the edited settings say 2`);
  lap(`${path.basename(runs[1])} finished ${epochs} epochs and its model loads`);
  return { 'cancelled at epoch': checkpoint.epoch };
}
