// A second phase on activations cached below the trainable top must learn what streaming the images through
// the frozen bottom every epoch learns: same model, same seeds, so validation accuracy agrees within noise.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { neverCancelled } from '../../src/shared/engineError';
import { imageInput } from '../../src/shared/inputSpec';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { SkipList } from '../../src/trainer/data/batchStream';
import { compileFrozen } from '../../src/trainer/models/frozenExecutor';
import { splitBelowTrainable, type FrozenSplit } from '../../src/trainer/models/frozenSplit';
import { buildSourceCnn } from '../../src/trainer/models/sourceCnn';
import * as tf from '../../src/trainer/tf';
import { frozenBaseSource, imageSource } from '../../src/trainer/train/batchSources';
import { activationsBelowTop } from '../../src/trainer/train/cachedTop';
import { fit, type BatchSource } from '../../src/trainer/train/fitLoop';
import { tempDir } from '../helpers/fixtures';
import { digitSamples } from '../helpers/smallData';

const PREP = { size: [28, 28] as [number, number], channels: 1 as const, scale: 'unit' as const };
const CLASSES = 5;
const BATCH = 16;
const EPOCHS = 4;
// Float32 summation order differs between the two paths (fused executor in both, but batch composition of
// the cached run is by feature rows): accuracies of 50 validation images may differ by a couple of images.
const NOISE = 0.1;

/** The source CNN with its first block frozen: the split's bottom is conv1 + pool1. */
function model(): FrozenSplit {
  const m = buildSourceCnn([28, 28], 1, CLASSES, 3);
  m.getLayer('conv1').trainable = false;
  const part = splitBelowTrainable(m);
  assert.ok(part, 'a single tensor separates the frozen first block');
  return part;
}

async function valAccuracy(part: FrozenSplit, train: BatchSource, validation: BatchSource): Promise<number> {
  const { history } = await fit({
    model: part.top,
    which: 'transfer',
    phase: 2,
    epochs: EPOCHS,
    learningRate: 0.001,
    patience: 0,
    train,
    validation,
    signal: neverCancelled,
    emit: () => undefined,
    afterEpoch: async () => '',
  });
  return history.at(-1)!.valAccuracy;
}

test('training the top on cached activations matches streaming images through the frozen bottom', async () => {
  await initBackend('wasm');
  const train = digitSamples(0, 30);
  const validation = digitSamples(30, 10);
  const skips = new SkipList();

  const streamed = model();
  const bottom = compileFrozen(streamed.bottom);
  const viaImages = await valAccuracy(
    streamed,
    frozenBaseSource(imageSource(train, PREP, CLASSES, BATCH, 1, skips), bottom),
    frozenBaseSource(imageSource(validation, PREP, CLASSES, BATCH, 1, skips), bottom),
  );
  bottom.dispose();

  const cached = model();
  const cacheDir = tempDir('cached-top');
  const options = {
    part: cached,
    samples: [...train, ...validation],
    input: imageInput(PREP),
    cacheDir,
    baseKey: 'test',
    classes: CLASSES,
    batchSize: BATCH,
    // Worker threads start only from the bundle (dist/featureWorker.js): from the sources this runs on one thread.
    modelJsonPath: path.join(cacheDir, 'unused-model.json'),
    seed: 1,
    skips,
    signal: neverCancelled,
    emit: () => undefined,
  };
  const first = await activationsBelowTop(options);
  assert.deepEqual([first.hits, first.misses], [0, train.length + validation.length]);
  const viaCache = await valAccuracy(cached, first.source(train), first.source(validation));
  console.log(`validation accuracy after ${EPOCHS} epochs: streamed ${viaImages}, cached ${viaCache}`);
  assert.ok(Math.abs(viaImages - viaCache) <= NOISE, `streamed ${viaImages} vs cached ${viaCache}`);
  assert.ok(viaCache > 0.5, `the top learns from cached activations (accuracy ${viaCache})`);

  const again = await activationsBelowTop(options);
  assert.deepEqual([again.hits, again.misses], [train.length + validation.length, 0], 'a second run reads the cache');
  tf.disposeVariables();
});
