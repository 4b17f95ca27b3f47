// A trainer killed in the middle of an epoch loses nothing that a checkpoint held: resume finishes the run
// with as many epochs as an uninterrupted one.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { TrainerError } from '../../src/client/trainerRpcClient';
import type { TrainRecipe } from '../../src/shared/engineTypes';
import { defaultRecipe } from '../../src/shared/recipeDefaults';
import { fixture, startClient, tempDir } from '../helpers/fixtures';
import * as P from '../../src/shared/trainerProtocol';

const work = tempDir('resume');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const cacheDir = path.join(work, 'cache');

async function killedThenResumed(recipe: TrainRecipe, killAfterEpoch: number) {
  const first = startClient();
  let runDir = '';
  first.onProgress((e) => {
    if (e.kind === 'epoch' && e.metrics.epoch === killAfterEpoch) {
      runDir = path.dirname(e.checkpoint);
      // Mid-epoch: let the next epoch start, then kill without warning.
      first.onProgress((b) => {
        if (b.kind === 'batch' && b.epoch === killAfterEpoch + 1 && b.batch === 2) process.kill(first.pid!, 'SIGKILL');
      });
    }
  });
  await assert.rejects(
    first.sendRequest(P.train, { recipe, cacheDir }),
    (e: unknown) => e instanceof TrainerError && /stopped unexpectedly \(signal SIGKILL\)/.test(e.message),
  );
  first.dispose();
  const state = JSON.parse(fs.readFileSync(path.join(runDir, 'checkpoint', 'state.json'), 'utf8'));
  assert.equal(state.epoch, killAfterEpoch, 'the checkpoint holds the last finished epoch');
  assert.equal(JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8')).transfer.length, killAfterEpoch);
  const second = startClient();
  try {
    return { runDir, result: await second.sendRequest(P.resume, { runDir, cacheDir }) };
  } finally {
    second.dispose();
  }
}

/** Four epochs of a model trained from scratch on 28×28 grey digits, 60 per class. */
const fromScratch = (name: string, sourceModel?: TrainRecipe['sourceModel']): TrainRecipe => ({
  ...defaultRecipe(fixture('digits-0-4')),
  mode: 'source',
  sourceModel,
  inputSize: [28, 28],
  inputChannels: 1,
  epochs: 4,
  maxPerClass: 60,
  batchSize: 16,
  patience: 0,
  outputDir: path.join(work, 'runs'),
  name,
});

test('SIGKILL during an epoch of a source CNN, then resume: same number of epochs as an uninterrupted run', async () => {
  const { runDir, result } = await killedThenResumed(fromScratch('killed'), 2);
  assert.equal(result.runDir, runDir);
  assert.deepEqual(
    result.transfer.history.map((h) => h.epoch),
    [1, 2, 3, 4],
  );
  assert.equal(JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')).status, 'finished');
  assert.ok(fs.existsSync(path.join(runDir, 'model.json')));
  assert.ok(result.transfer.evaluation.accuracy > 0.7, `accuracy ${result.transfer.evaluation.accuracy}`);
});

test('a pixel model (what a run keeps when its pixel baseline wins) killed during an epoch resumes', async () => {
  const { result } = await killedThenResumed(fromScratch('killed-pixels', 'pixels-mlp'), 2);
  assert.deepEqual(
    result.transfer.history.map((h) => h.epoch),
    [1, 2, 3, 4],
  );
  assert.equal(result.transfer.trainableParams, 784 * 128 + 128 + 128 * 5 + 5, 'the MLP, not the source CNN');
});

test('a run without a finished epoch cannot be resumed, and says why', async () => {
  const empty = path.join(work, 'runs', 'empty');
  fs.mkdirSync(empty, { recursive: true });
  fs.writeFileSync(path.join(empty, 'recipe.json'), JSON.stringify(defaultRecipe(fixture('digits-0-4'))));
  const client = startClient();
  try {
    await assert.rejects(client.sendRequest(P.resume, { runDir: empty, cacheDir }), /has no checkpoint to resume from/);
  } finally {
    client.dispose();
  }
});
