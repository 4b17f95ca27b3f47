// Right-click the data folder → Fine-tune on This Folder → Enter, Enter → "Training finished"; then the run
// folder on disk: the model loads in tfjs and predicts, metrics show learning, run.json says finished,
// and the host logged its event-loop delay during the training (printed: the extension host must stay
// responsive while the child process trains).
import path from 'node:path';
import { fineTuneWithDefaults } from '../lib/flows.mjs';
import { checkLearning, checkRunFolder, eventLoopLines, runFolders, waitFor } from '../lib/runChecks.mjs';
import { waitForNotification } from '../lib/workbench.mjs';

export const settings = {};

export async function run({ page, workspace, sandbox, lap, screenshot }) {
  const started = Date.now();
  await fineTuneWithDefaults(page, 'fashion-small', lap);
  await screenshot('01-training').catch(() => {});
  const finished = await waitForNotification(page, 'Training finished', 4 * 60_000);
  const trainSeconds = (Date.now() - started) / 1000;
  lap(`notification: ${finished}`);
  await screenshot('02-finished');
  for (const button of ['Open Report', 'Reveal Model', 'Train Again']) {
    if (!finished.includes(button))
      throw new Error(`the finished notification lacks the "${button}" button: ${finished}`);
  }

  const runs = runFolders(workspace);
  if (runs.length !== 1) throw new Error(`expected one run folder, found ${runs.length}: ${runs.join(', ')}`);
  const { run, labels, prediction } = await checkRunFolder(runs[0], 'finished');
  lap(
    `${path.relative(workspace, runs[0])}: model loads, input [${prediction.inputShape}], output [${prediction.shape}] for ${labels.join('/')}; ${run.trainableParams} trainable params; backend ${run.backend.split(' ')[0]}`,
  );
  const learning = checkLearning(runs[0], labels.length);
  lap(
    `learning over ${learning.epochs} epochs: loss ${learning.first.loss.toFixed(3)} → ${learning.last.loss.toFixed(3)}, val accuracy ${learning.first.valAccuracy.toFixed(2)} → ${learning.last.valAccuracy.toFixed(2)}`,
  );
  if (learning.epochs !== 3) throw new Error(`trained ${learning.epochs} epochs, the user setting says 3`);

  const [loop] = await waitFor(
    () => {
      const l = eventLoopLines(sandbox.dirs.userData);
      return l.length ? l : undefined;
    },
    { timeout: 15_000, what: 'the "host event-loop delay while training" line in Transfer Studio.log' },
  );
  console.log(`  EVENT LOOP: ${loop.line}`);
  return {
    'event-loop p99 ms': loop.p99,
    'p50 ms': loop.p50,
    'max ms': loop.max,
    'val acc': `${learning.first.valAccuracy.toFixed(2)}→${learning.last.valAccuracy.toFixed(2)}`,
    'click→finished s': +trainSeconds.toFixed(1),
  };
}
