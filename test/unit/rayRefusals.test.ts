// A recipe that reaches the Ray preparation over the protocol is checked there as a local run checks it,
// before any folder is scanned or any run folder made.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ProgressEvent, TrainRecipe } from '../../src/shared/engineTypes';
import { neverCancelled } from '../../src/shared/engineError';
import { defaultRecipe } from '../../src/shared/recipeDefaults';
import { prepareRayRun } from '../../src/trainer/ray/rayRun';

const target = { address: 'local', workers: 2, gpusPerWorker: 0 };

async function refusal(recipe: TrainRecipe): Promise<{ message: string; events: ProgressEvent[] }> {
  const events: ProgressEvent[] = [];
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ray-refusals-'));
  try {
    await prepareRayRun(recipe, target, { cacheDir, signal: neverCancelled, emit: (e) => events.push(e) });
  } catch (e) {
    return { message: (e as Error).message, events };
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
  throw new Error('the recipe was accepted');
}

test('invalid recipe values are refused by name before the data folder is scanned', async () => {
  const outputDir = path.join(os.tmpdir(), `ray-refusals-runs-${process.pid}`);
  const recipe = { ...defaultRecipe('no-such-folder'), outputDir, batchSize: 0, validationSplit: 1.5 };
  const { message, events } = await refusal(recipe);
  assert.match(message, /^Invalid recipe: .*batchSize.*validationSplit/);
  assert.deepEqual(events, [], 'nothing was scanned');
  assert.equal(fs.existsSync(outputDir), false, 'no run folder was made');
});

test('what the job cannot honour is refused by name: augmentation, mode source, compareScratch', async () => {
  const base = defaultRecipe('no-such-folder');
  const augmentation = { flip: true, rotation: 10, crop: 0.1, brightness: 0.1 };
  assert.match((await refusal({ ...base, augmentation })).message, /"augmentation"/);
  assert.match((await refusal({ ...base, mode: 'source' })).message, /mode "source"/);
  assert.match((await refusal({ ...base, compareScratch: true })).message, /"compareScratch"/);
});
