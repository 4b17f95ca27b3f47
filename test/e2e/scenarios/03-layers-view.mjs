// The Layers view decides what trains: open the Transfer Studio container, check Conv_1 and Conv_1_bn
// (top level, near the end of MobileNetV2) → fine-tune with Enter, Enter → the run's recipe.json freezes
// every weighted layer up to the cut except exactly those two, and run.json's trainable parameter count is
// the new head's plus those layers' trainable parameters, as `transfer-studio layers` (the CLI shipped in
// the installed VSIX) lists them.
import { fineTuneWithDefaults } from '../lib/flows.mjs';
import { checkFreeze, cliLayers } from '../lib/freezeChecks.mjs';
import { checkRunFolder, runFolders, waitFor } from '../lib/runChecks.mjs';
import { openViewContainer, treeRow, viewPane, waitForNotification } from '../lib/workbench.mjs';

export const settings = {};

const TRAINED = ['Conv_1', 'Conv_1_bn'];

/** The "N trainable" figure of the Layers view's description (the host's count after each change). */
async function viewTrainable(layers) {
  const text = (await layers.locator('.pane-header').innerText()).replace(/\s+/g, ' ');
  return { count: Number(text.match(/([\d,]+) trainable/)?.[1].replace(/,/g, '') ?? NaN), text };
}

export async function run({ page, workspace, sandbox, lap, screenshot }) {
  const baseLayers = cliLayers(sandbox.dirs.extensions);
  await openViewContainer(page, 'Transfer Studio');
  const layers = await viewPane(page, 'Layers');
  const firstLayer = treeRow(layers, 'input_1');
  await firstLayer.waitFor({ timeout: 60_000 });
  lap('Layers view shows the built-in base');
  // The tree renders only the rows in view: go to its end, where Conv_1 and Conv_1_bn sit.
  await firstLayer.click();
  await page.keyboard.press('End');
  let expected = (await viewTrainable(layers)).count;
  for (const name of TRAINED) {
    const box = treeRow(layers, name).getByRole('checkbox');
    await box.waitFor({ timeout: 10_000 });
    if ((await box.getAttribute('aria-checked')) !== 'false') throw new Error(`${name} is not frozen by default`);
    expected += baseLayers.find((l) => l.name === name).trainableParams;
    // A click is done when the host has counted it: the view's description shows the new total. A click
    // landing while the tree re-renders after the previous one was seen to get lost (the box flips back):
    // say so and click once more, as a user would.
    for (let click = 1; ; click++) {
      await box.click();
      try {
        await waitFor(async () => (await viewTrainable(layers)).count === expected, {
          timeout: 5000,
          interval: 200,
          what: `the view to count ${name}`,
        });
        break;
      } catch (err) {
        const state = await box.getAttribute('aria-checked');
        if (click === 2 || state !== 'false')
          throw new Error(
            `${err.message}: view says "${(await viewTrainable(layers)).text}", checkbox aria-checked=${state}`,
          );
        lap(
          `NOTE: the click on ${name}'s checkbox was lost (it is unchecked again, the view still says "${(await viewTrainable(layers)).text}"); clicking again`,
        );
      }
    }
  }
  lap(`checked ${TRAINED.join(' and ')}; view says: ${(await viewTrainable(layers)).text}`);
  await screenshot('01-layers-checked');

  const { details } = await fineTuneWithDefaults(page, 'fashion-small', lap);
  const finished = await waitForNotification(page, 'Training finished', 4 * 60_000);
  lap(`notification: ${finished}`);

  const [runDir] = runFolders(workspace);
  await checkRunFolder(runDir, 'finished');
  const f = checkFreeze(runDir, TRAINED, baseLayers);
  lap(
    `recipe freezes ${f.frozen} of ${f.kept} weighted layers (all but ${TRAINED.join(', ')}); trainableParams ${f.trainableParams} = head ${f.head} + ${f.trainedParams}; quick pick said "${details}"`,
  );
  return { 'trainable params': f.trainableParams };
}
