// The default automatic flow, then Export… from the Runs view. Right-click → Fine-tune → Enter, Enter with
// epochs and the second phase on `auto` and a short time budget → "Training finished" → Open Report: the
// panel lists the trials run.json records (names and outcomes, one kept). Then the Runs view: the run's
// Export… → onnx → the save dialog's default (model.onnx in the run folder) → the file appears with its
// labels beside it, and ONNX Runtime (from node_modules, as any app would) loads it.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fineTuneWithDefaults } from '../lib/flows.mjs';
import { readJson, runFolders, waitFor } from '../lib/runChecks.mjs';
import {
  acceptQuickPick,
  clickNotificationButton,
  contextMenuPick,
  openViewContainer,
  treeRow,
  viewPane,
  waitForNotification,
  webviewContent,
} from '../lib/workbench.mjs';

export const settings = {
  'transferStudio.epochs': 'auto',
  'transferStudio.secondPhase': 'auto',
  'transferStudio.timeBudget': 20,
};

/** The panel's trials table: name and outcome of each row, in order. */
async function panelTrials(web) {
  // The report is the Evaluation tab; the panel may still show the Training tab it charted the run on.
  await web.locator('[data-testid="tab-evaluation"]').click();
  const rows = web.locator('[data-testid="trial-row"]');
  await rows.first().waitFor({ timeout: 30_000 });
  const trials = [];
  for (const row of await rows.all())
    trials.push({
      name: (await row.locator('th').innerText()).trim(),
      outcome: await row.getAttribute('data-outcome'),
    });
  return trials;
}

/** Exports the run shown in the Runs view as ONNX to the dialog's default place; returns the notification. */
async function exportFromRunsView(page, runDir) {
  await openViewContainer(page, 'Transfer Studio');
  const runs = await viewPane(page, 'Runs');
  const runRow = treeRow(runs, path.basename(runDir));
  await runRow.waitFor({ timeout: 15_000 });
  await contextMenuPick(page, runRow, 'Export… (ONNX, Keras, TF.js)');
  const formats = await acceptQuickPick(page, 'Format to export to');
  if (formats[0] !== 'onnx') throw new Error(`the format picker offered ${formats.join(', ')}, onnx first expected`);
  // code-server's save dialog is a quick input holding the default path: Enter accepts it.
  const target = page.locator('.quick-input-widget .quick-input-box input');
  await waitFor(async () => (await target.inputValue().catch(() => '')).endsWith('model.onnx'), {
    timeout: 15_000,
    what: 'the save dialog with model.onnx in the run folder',
  });
  await page.keyboard.press('Enter');
  return waitForNotification(page, 'Exported model.onnx', 2 * 60_000);
}

/** Loads the exported file with onnxruntime-node and returns its input and output names. */
async function loadOnnx(file, root) {
  // The runner's own process must not write ONNX Runtime's telemetry into the user's home either.
  process.env.ORT_DISABLE_TELEMETRY = '1';
  const ort = createRequire(path.join(root, 'package.json'))('onnxruntime-node');
  const session = await ort.InferenceSession.create(file);
  const names = { inputs: session.inputNames, outputs: session.outputNames };
  await session.release();
  return names;
}

export async function run({ page, workspace, root, lap, screenshot }) {
  await fineTuneWithDefaults(page, 'fashion-small', lap);
  const finished = await waitForNotification(page, 'Training finished', 4 * 60_000);
  lap(`notification: ${finished}`);
  const [runDir] = runFolders(workspace);
  const recorded = readJson(path.join(runDir, 'run.json')).trials ?? [];
  if (recorded.length === 0) throw new Error('run.json records no trials: the automatic flow did not run');

  await clickNotificationButton(page, 'Training finished', 'Open Report');
  const shown = await panelTrials(webviewContent(page));
  await screenshot('01-trials');
  lap(`panel trials: ${shown.map((t) => `${t.name} (${t.outcome})`).join(', ')}`);
  const expected = recorded.map((t) => ({ name: t.name, outcome: t.outcome }));
  if (JSON.stringify(shown) !== JSON.stringify(expected))
    throw new Error(`the panel shows ${JSON.stringify(shown)}, run.json records ${JSON.stringify(expected)}`);
  if (shown.filter((t) => t.outcome === 'kept').length !== 1) throw new Error('not exactly one trial is kept');

  const exported = await exportFromRunsView(page, runDir);
  await screenshot('02-exported');
  lap(`notification: ${exported}`);
  const onnx = path.join(runDir, 'model.onnx');
  if (!fs.existsSync(onnx)) throw new Error(`${onnx} was not written`);
  const labelsName = /Labels: (.+?)\.?$/.exec(exported)?.[1] ?? '';
  const labels = path.join(runDir, labelsName);
  if (!labelsName || !fs.existsSync(labels)) throw new Error(`no labels file beside ${onnx} ("${labelsName}")`);
  const classes = fs.readFileSync(labels, 'utf8').trim().split('\n');
  const runClasses = readJson(path.join(runDir, 'run.json')).classes;
  if (JSON.stringify(classes) !== JSON.stringify(runClasses))
    throw new Error(`${labelsName} lists ${classes.join(', ')}; the run's classes are ${runClasses.join(', ')}`);
  const names = await loadOnnx(onnx, root);
  lap(`model.onnx loads in onnxruntime-node: ${names.inputs} → ${names.outputs}; ${labelsName}: ${classes.join(', ')}`);
  return {
    trials: shown.length,
    kept: shown.find((t) => t.outcome === 'kept').name,
    'onnx KB': Math.round(fs.statSync(onnx).size / 1024),
  };
}
