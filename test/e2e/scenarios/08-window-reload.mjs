// The window reloads during training (issue 7 "the panel reattaches to the running training or shows its
// final state"; issue 4 "reloading the window during training loses no points"). Explorer → "Fine-tune on
// This Folder" → Enter → Enter, then F1 "Transfer Studio: Open Training Panel"; once the chart shows points
// and an epoch is checkpointed, F1 "Developer: Reload Window". The extension host restarts and the old
// trainer stops with it (by design); the panel comes back by itself (WebviewPanelSerializer) and must show the run's final
// state: a status, a message that the training stopped and can be resumed, the recorded points in the
// chart; the Runs view lists the run as "interrupted, resumable". Right-click → "Resume Run" trains the same
// run folder to "Training finished" with epochs 1..N. Panel checks are collected and reported together at
// the end, so one missing piece does not hide what the rest of the flow did.
import path from 'node:path';
import fs from 'node:fs';
import { fineTuneWithDefaults } from '../lib/flows.mjs';
import { checkRunFolder, readJson, runFolders, waitFor } from '../lib/runChecks.mjs';
import {
  contextMenuPick,
  openViewContainer,
  runCommand,
  treeRow,
  viewPane,
  visibleNotifications,
  waitForNotification,
  webviewContent,
} from '../lib/workbench.mjs';
import { checkConsecutive, processGone, trainerPids, uninterruptedEpochs } from './07-sigkill-resume.mjs';

const EPOCHS = 4;
const PATIENCE = 3;
// As in 07: augmented epochs take 6–13 s here, so the reload lands inside epoch 2.
export const settings = {
  'transferStudio.epochs': EPOCHS,
  'transferStudio.batchSize': 8,
  'transferStudio.augmentation': true,
};
export const timeoutMs = 4 * 60_000;

/** What the panel shows: status, message, run name, point counter and the two charts' point counts. */
async function panelState(web) {
  const attr = async (testId, name) =>
    web
      .locator(`[data-testid="${testId}"]`)
      .first()
      .getAttribute(name, { timeout: 2000 })
      .catch(() => null);
  const text = async (testId) =>
    (
      (await web
        .locator(`[data-testid="${testId}"]`)
        .first()
        .textContent({ timeout: 2000 })
        .catch(() => null)) ?? ''
    )
      .replace(/\s+/g, ' ')
      .trim();
  return {
    status: await attr('training-status', 'data-status'),
    statusText: await text('training-status'),
    message: await text('training-message'),
    run: await text('run-name'),
    batchPoints: Number((await attr('chart-points', 'data-count')) ?? NaN),
    lossPoints: Number((await attr('chart-loss', 'data-points')) ?? NaN),
    accuracyPoints: Number((await attr('chart-accuracy', 'data-points')) ?? NaN),
  };
}

const describe = (s) =>
  `status ${s.status ?? '(none)'} "${s.statusText}", run "${s.run}", message "${s.message}", ${s.batchPoints} batch points, loss chart ${s.lossPoints} points, accuracy chart ${s.accuracyPoints} points`;

export async function run({ page, workspace, sandbox, lap, screenshot }) {
  const extensionsDir = sandbox.dirs.extensions;
  await fineTuneWithDefaults(page, 'fashion-small', lap);
  await runCommand(page, 'Transfer Studio: Open Training Panel');
  const web = webviewContent(page);
  await web.locator('[data-testid="chart-points"]').waitFor({ timeout: 60_000 });
  lap('panel open');
  // Points in the chart and one epoch on disk and seen by the host (the status bar adds "· val NN%" on the
  // epoch event, sent after state.json and metrics.json are written), so there is something recorded to
  // come back to.
  const epochSeen = page.locator('.part.statusbar .statusbar-item', {
    hasText: /Epoch \d+\/\d+ · loss [\d.]+ · val \d+%/,
  });
  const stateFile = await waitFor(
    async () => {
      const [dir] = runFolders(workspace);
      const file = dir && path.join(dir, 'checkpoint', 'state.json');
      if (!file || !fs.existsSync(file) || (await epochSeen.count()) === 0) return undefined;
      return (await panelState(web)).batchPoints > 0 ? file : undefined;
    },
    {
      timeout: 3 * 60_000,
      interval: 250,
      what: 'chart points in the panel, checkpoint/state.json of the first epoch and the epoch in the status bar',
    },
  );
  const runDir = path.dirname(path.dirname(stateFile));
  const runName = path.basename(runDir);
  const before = await panelState(web);
  const epochsBefore = readJson(stateFile).history.length;
  lap(`before the reload (${epochsBefore} epoch checkpointed): ${describe(before)}`);
  await screenshot('01-before-reload');
  const pids = trainerPids(extensionsDir);
  if (pids.length !== 1)
    throw new Error(`expected one trainer process of this sandbox, found ${pids.length}: ${pids.join(', ')}`);
  const [oldTrainer] = pids;

  // "Developer: Reload Window", as a VS Code user reloads. It waits for the workbench to save its editors
  // before the page goes; a browser refresh (page.reload()) does not, and on a loaded machine VS Code for the
  // Web then loses the race to write them into IndexedDB: no editor tab, hence no panel, came back in 5 of 6
  // runs of the last session (the console says "IndexedDB database 'vscode-web-db' is closed").
  const reloadedAt = Date.now();
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60_000 });
  await runCommand(page, 'Developer: Reload Window');
  await navigated;
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90_000 });
  lap('window reloaded, workbench back');
  // The old extension host lives on for code-server's reconnection grace time (5 s here), its trainer with it.
  await waitFor(() => processGone(oldTrainer), {
    timeout: 60_000,
    interval: 200,
    what: `the old trainer ${oldTrainer} to stop after the reload`,
  });
  const trainerGone = (Date.now() - reloadedAt) / 1000;
  const runStatus = readJson(path.join(runDir, 'run.json')).status;
  const checkpointEpochs = readJson(stateFile).history.length;
  lap(
    `old trainer ${oldTrainer} gone ${trainerGone.toFixed(1)} s after the reload; run.json status "${runStatus}", checkpoint holds ${checkpointEpochs} epochs`,
  );

  const problems = [];
  let after;
  let panelSeconds;
  try {
    // The restored webview first draws its saved state, then the new host's snapshot: wait for the latter
    // (a status other than the running one it had before the reload).
    after = await waitFor(
      async () => {
        const s = await panelState(web);
        return s.status && s.status !== 'running' && s.status !== 'cancelling' ? s : undefined;
      },
      { timeout: 60_000, interval: 250, what: 'the restored panel to show a status other than "running"' },
    );
    panelSeconds = (Date.now() - reloadedAt) / 1000;
    // A message and points may follow the status by a frame.
    await page.waitForTimeout(1000);
    after = await panelState(web);
    lap(`panel restored ${panelSeconds.toFixed(1)} s after the reload: ${describe(after)}`);
  } catch (err) {
    const tabs = (
      await page
        .locator('.tabs-container .tab')
        .allInnerTexts()
        .catch(() => [])
    ).map((t) => t.trim());
    const seen = await panelState(web);
    problems.push(
      `the panel did not come back with the run's final state after the reload (editor tabs: ${tabs.join(' | ') || 'none'}; webview shows: ${describe(seen)}): ${err.message}`,
    );
    lap(`panel NOT restored: tabs ${tabs.join(' | ') || 'none'}; ${describe(seen)}`);
  }
  await screenshot('02-after-reload');
  if (after) {
    if (!/stopped/i.test(after.message) || !/resum/i.test(after.message))
      problems.push(`the panel's message does not say the training stopped and can be resumed: "${after.message}"`);
    const named = after.message.match(/epoch (\d+)/)?.[1];
    if (named !== undefined && Number(named) !== checkpointEpochs)
      problems.push(
        `the panel names the checkpoint of epoch ${named}, the checkpoint on disk holds ${checkpointEpochs} epochs`,
      );
    // The charts' data-points count x positions (batches and epoch ends share one axis): at least one per
    // recorded epoch shows the epochs came back; the batch counter shows whether the batch curve did.
    if (!(after.lossPoints >= checkpointEpochs))
      problems.push(
        `the loss chart shows ${after.lossPoints} x positions after the reload, fewer than the ${checkpointEpochs} recorded epochs (${before.lossPoints} before)`,
      );
    if (!(after.batchPoints > 0))
      problems.push(
        `the panel's point counter (chart-points) shows ${after.batchPoints} batch points after the reload, ${before.batchPoints} before; the loss chart went from ${before.lossPoints} to ${after.lossPoints} x positions: the recorded epochs are back, the per-batch curve drawn before the reload is gone (issue 4: a reload loses no points)`,
      );
  }

  await openViewContainer(page, 'Transfer Studio');
  const runs = await viewPane(page, 'Runs');
  const row = treeRow(runs, runName);
  let rowText = '';
  try {
    await waitFor(
      async () => {
        rowText = (
          (await row
            .first()
            .innerText({ timeout: 2000 })
            .catch(() => '')) ?? ''
        )
          .replace(/\s+/g, ' ')
          .trim();
        return rowText.includes('interrupted, resumable');
      },
      { timeout: 20_000, interval: 500, what: `the Runs view to list ${runName} as "interrupted, resumable"` },
    );
  } catch (err) {
    problems.push(`${err.message}; the row reads "${rowText}"`);
  }
  lap(`Runs view: ${rowText}`);
  await screenshot('03-runs-view');

  const resumedAt = Date.now();
  await contextMenuPick(page, row.first(), 'Resume Run');
  // The new extension host may have forked its trainer before the click (to load the base for the Layers
  // view), so this looks for any trainer other than the old one, not one younger than the click.
  const next = await waitFor(() => trainerPids(extensionsDir).find((p) => p !== oldTrainer), {
    timeout: 60_000,
    interval: 200,
    what: 'a trainer of the new extension host after "Resume Run"',
  });
  lap(`"Resume Run" picked; the new window's trainer is ${next}`);
  let finished;
  try {
    finished = await waitForNotification(page, 'Training finished', 3 * 60_000);
  } catch (err) {
    await screenshot('04-not-finished');
    throw new Error(
      `no "Training finished" after Resume Run; showing: ${(await visibleNotifications(page)).join(' || ')}\n${err.message}${problems.length ? `\nearlier: ${problems.join('\n')}` : ''}`,
    );
  }
  const resumeSeconds = (Date.now() - resumedAt) / 1000;
  lap(`notification after ${resumeSeconds.toFixed(1)} s: ${finished}`);
  // Shown, not asserted: whether the panel's curves after Resume still start at epoch 1.
  const final = await panelState(web);
  lap(`panel after the resumed run: ${describe(final)}`);
  await screenshot('04-resumed-finished');

  const folders = runFolders(workspace);
  if (folders.length !== 1 || folders[0] !== runDir)
    problems.push(
      `Resume Run should continue ${runName}; run folders now: ${folders.map((r) => path.basename(r)).join(', ')}`,
    );
  const { run: info } = await checkRunFolder(runDir, 'finished');
  const history = readJson(path.join(runDir, 'metrics.json')).transfer;
  checkConsecutive(history, 'metrics.json');
  if (history.length <= checkpointEpochs)
    problems.push(`metrics.json has ${history.length} epochs, no more than the checkpoint's ${checkpointEpochs}`);
  const expected = uninterruptedEpochs(history, EPOCHS, PATIENCE);
  if (history.length !== expected)
    problems.push(
      `the resumed run trained ${history.length} epochs; an uninterrupted run on these validation losses (patience ${PATIENCE}) stops at ${expected} of ${EPOCHS}`,
    );
  lap(
    `${runName}: status ${info.status}, epochs ${history.map((m) => m.epoch).join(',')} (checkpoint had ${checkpointEpochs})`,
  );
  if (problems.length) throw new Error(`after the reload:\n  - ${problems.join('\n  - ')}`);
  return {
    'reload→old trainer gone s': +trainerGone.toFixed(1),
    'reload→panel restored s': +(panelSeconds ?? NaN).toFixed(1),
    'batch points before→after': `${before.batchPoints}→${after?.batchPoints}`,
    'Resume→finished s': +resumeSeconds.toFixed(1),
    'checkpoint epochs': checkpointEpochs,
    'final epochs': history.length,
  };
}
