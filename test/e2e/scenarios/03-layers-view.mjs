// The Layers view decides what trains: open the Transfer Studio container, check Conv_1 and Conv_1_bn
// (top level, near the end of MobileNetV2) → fine-tune with Enter, Enter → the run's recipe.json freezes
// every weighted layer up to the cut except exactly those two, and run.json's trainable parameter count is
// the new head's plus those layers' trainable parameters, as `transfer-studio layers` (the CLI shipped in
// the installed VSIX) lists them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fineTuneWithDefaults } from '../lib/flows.mjs';
import { checkRunFolder, readJson, runFolders } from '../lib/runChecks.mjs';
import { openViewContainer, treeRow, viewPane, waitForNotification } from '../lib/workbench.mjs';

export const settings = {};

const TRAINED = ['Conv_1', 'Conv_1_bn'];

/** Layers of the built-in base as the installed extension's own CLI reports them. */
function cliLayers(extensionsDir) {
  const ext = fs.readdirSync(extensionsDir).find((d) => d.startsWith('transfer-studio.transfer-studio-'));
  const out = execFileSync(process.execPath, [path.join(extensionsDir, ext, 'dist/cli.js'), 'layers', 'mobilenet_v2', '--json'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)).result.layers;
}

/** Parameters of the head the engine puts on the cut: pooling, an optional hidden dense layer, the classifier. */
function headParams(head, featureShape, classes) {
  const dims = featureShape.slice(1);
  const pooled = head.pooling === 'flatten' ? dims.reduce((a, b) => a * b, 1) : dims.at(-1);
  if (!head.dense) return pooled * classes + classes;
  return pooled * head.dense + head.dense + head.dense * classes + classes;
}

export async function run({ page, workspace, sandbox, lap, screenshot }) {
  await openViewContainer(page, 'Transfer Studio');
  const layers = await viewPane(page, 'Layers');
  const firstLayer = treeRow(layers, 'input_1');
  await firstLayer.waitFor({ timeout: 60_000 });
  lap('Layers view shows the built-in base');
  // The tree renders only the rows in view: go to its end, where Conv_1 and Conv_1_bn sit.
  await firstLayer.click();
  await page.keyboard.press('End');
  for (const name of TRAINED) {
    const box = treeRow(layers, name).getByRole('checkbox');
    await box.waitFor({ timeout: 10_000 });
    if ((await box.getAttribute('aria-checked')) !== 'false') throw new Error(`${name} is not frozen by default`);
    await box.click();
    await page.waitForFunction((el) => el.getAttribute('aria-checked') === 'true', await box.elementHandle(), { timeout: 10_000 });
  }
  lap(`checked ${TRAINED.join(' and ')}; view says: ${(await layers.locator('.pane-header').innerText()).replace(/\s+/g, ' ')}`);
  await screenshot('01-layers-checked');

  const { details } = await fineTuneWithDefaults(page, 'fashion-small', lap);
  const finished = await waitForNotification(page, 'Training finished', 4 * 60_000);
  lap(`notification: ${finished}`);

  const [runDir] = runFolders(workspace);
  const { run, labels } = await checkRunFolder(runDir, 'finished');
  const recipe = readJson(path.join(runDir, 'recipe.json'));
  const all = cliLayers(sandbox.dirs.extensions);
  const featureLayer = recipe.freeze.featureLayer ?? run.featureLayer;
  const cut = all.findIndex((l) => l.name === featureLayer);
  if (cut < 0) throw new Error(`feature layer "${featureLayer}" is not a layer of the base`);
  const kept = all.filter((l) => l.hasWeights && l.index <= all[cut].index);
  const expectedFrozen = kept.map((l) => l.name).filter((n) => !TRAINED.includes(n)).sort();
  const frozen = [...(recipe.freeze.frozen ?? [])].sort();
  const missing = expectedFrozen.filter((n) => !frozen.includes(n));
  const extra = frozen.filter((n) => !expectedFrozen.includes(n));
  if (missing.length || extra.length) {
    throw new Error(`recipe.json freeze.frozen differs: not frozen but should be [${missing.join(', ')}], frozen but should train [${extra.join(', ')}]`);
  }
  const trainedParams = all.filter((l) => TRAINED.includes(l.name)).reduce((sum, l) => sum + l.trainableParams, 0);
  const head = headParams(recipe.head, all[cut].outputShape, labels.length);
  if (run.trainableParams !== head + trainedParams) {
    throw new Error(`run.json trainableParams ${run.trainableParams} ≠ head ${head} + ${TRAINED.join(' + ')} ${trainedParams}`);
  }
  lap(`recipe freezes ${frozen.length} of ${kept.length} weighted layers (all but ${TRAINED.join(', ')}); trainableParams ${run.trainableParams} = head ${head} + ${trainedParams}; quick pick said "${details}"`);
  return { 'trainable params': run.trainableParams };
}
