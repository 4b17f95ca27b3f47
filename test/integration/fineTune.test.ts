// Fine-tuning through the base (not only a head on cached features): partial freezing of MobileNetV2 with
// BatchNorm kept in inference mode, augmentation, and the two-phase recipe.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fixture, trainerSession } from '../helpers/fixtures';
import * as P from '../../src/shared/trainerProtocol';

const session = trainerSession('finetune');
const { cacheDir, recipe } = session;

/** Reads one weight of a saved model by name, from the artifacts on disk. */
function savedWeight(dir: string, name: string): Float32Array {
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
    weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[];
  };
  const bytes = fs.readFileSync(path.join(dir, json.weightsManifest[0].paths[0]));
  let offset = 0;
  for (const w of json.weightsManifest[0].weights) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    if (w.name === name)
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + n * 4));
    offset += n * 4;
  }
  throw new Error(`no weight ${name}`);
}

test("partially frozen MobileNetV2: trainable counts follow the plan, BatchNorm statistics stay the base's while trainable scales learn", async () => {
  const base = await session.client.sendRequest(P.listLayers, { base: 'mobilenet_v2', cacheDir });
  const result = await session.client.sendRequest(P.train, {
    recipe: recipe(fixture('fashion-small'), {
      freeze: { featureLayer: 'out_relu', freezeUpTo: 'block_16_depthwise_relu' },
      epochs: 1,
      batchSize: 8,
      maxPerClass: 12,
      patience: 0,
      name: 'partial',
    }),
    cacheDir,
  });
  // The frozen bottom hands one tensor (block_16_depthwise_relu) to the trainable top: it runs once per image.
  assert.equal(result.featureCache?.misses, result.split.train + result.split.validation + result.split.test);
  const cut = base.layers.findIndex((l) => l.name === 'out_relu');
  const from = base.layers.findIndex((l) => l.name === 'block_16_depthwise_relu') + 1;
  const baseTrainable = base.layers.slice(from, cut + 1).reduce((s, l) => s + l.trainableParams, 0);
  const head = 1280 * 3 + 3;
  assert.equal(result.transfer.trainableParams, baseTrainable + head);

  // The run's saved weights against a run with the whole base frozen: moving statistics identical everywhere
  // (the base's BatchNorm runs in inference mode, as in Keras fine-tuning), a trainable layer's scale learned.
  const builtin = path.resolve(__dirname, '../../dist/models/mobilenet_v2');
  const baseJson = JSON.parse(fs.readFileSync(path.join(builtin, 'model.json'), 'utf8'));
  assert.ok(baseJson.weightsManifest[0].weights.some((w: { name: string }) => w.name === 'bn_Conv1/moving_mean'));
  const frozenMean = savedWeight(result.runDir, 'bn_Conv1/moving_mean');
  const runJson = JSON.parse(fs.readFileSync(path.join(result.runDir, 'model.json'), 'utf8'));
  assert.ok(runJson.modelTopology, 'saved as a full LayersModel');
  const trainedMean = savedWeight(result.runDir, 'Conv_1_bn/moving_mean');
  // Reference: the same weights from a run where the whole base was frozen (BatchNorm untouched by definition).
  const reference = await session.client.sendRequest(P.train, {
    recipe: recipe(fixture('fashion-small'), { epochs: 1, maxPerClass: 12, patience: 0, name: 'reference' }),
    cacheDir,
  });
  assert.deepEqual(Array.from(frozenMean), Array.from(savedWeight(reference.runDir, 'bn_Conv1/moving_mean')));
  assert.deepEqual(Array.from(trainedMean), Array.from(savedWeight(reference.runDir, 'Conv_1_bn/moving_mean')));
  const gamma = savedWeight(result.runDir, 'Conv_1_bn/gamma');
  const refGamma = savedWeight(reference.runDir, 'Conv_1_bn/gamma');
  assert.ok(
    gamma.some((v, i) => v !== refGamma[i]),
    'a trainable BatchNorm layer learns its scale',
  );
});

test('augmentation and a second phase at a lower learning rate train the source CNN end to end', async () => {
  const source = await session.client.sendRequest(P.train, {
    recipe: recipe(fixture('digits-0-4'), {
      mode: 'source',
      inputSize: [28, 28],
      inputChannels: 1,
      epochs: 2,
      maxPerClass: 80,
      patience: 0,
      name: 'aug-source',
      augmentation: { flip: false, rotation: 10, crop: 0.1, brightness: 0.1 },
    }),
    cacheDir,
  });
  assert.ok(source.transfer.evaluation.accuracy > 0.7, `accuracy ${source.transfer.evaluation.accuracy}`);
  const events: string[] = [];
  const listener = session.client.onProgress((e) => {
    if (e.kind === 'epoch') events.push(`${e.metrics.phase}:${e.metrics.epoch}`);
  });
  const twoPhase = await session.client.sendRequest(P.train, {
    recipe: recipe(fixture('digits-5-9'), {
      base: source.runDir,
      head: { pooling: 'avg', dense: 64 },
      epochs: 3,
      maxPerClass: 40,
      patience: 0,
      name: 'two-phase',
      secondPhase: { unfreezeFrom: 'conv2', epochs: 2, learningRate: 0.0001 },
    }),
    cacheDir,
  });
  listener.dispose();
  assert.deepEqual(events, ['1:1', '1:2', '1:3', '2:1', '2:2']);
  assert.deepEqual(
    twoPhase.transfer.history.map((h) => h.phase),
    [1, 1, 1, 2, 2],
  );
  assert.ok(twoPhase.transfer.evaluation.accuracy > 0.6, `accuracy ${twoPhase.transfer.evaluation.accuracy}`);
});

test('augmentation with a frozen MobileNetV2 trains only the head, at the default batch size', async () => {
  const result = await session.client.sendRequest(P.train, {
    recipe: recipe(fixture('fashion-small'), {
      epochs: 2,
      maxPerClass: 12,
      patience: 0,
      name: 'augmented',
      augmentation: { flip: true, rotation: 10, crop: 0.1, brightness: 0.1 },
    }),
    cacheDir,
  });
  assert.equal(result.featureCache, undefined, 'augmented pixels cannot come from the cache');
  assert.equal(result.transfer.trainableParams, 1280 * 3 + 3);
  assert.equal(result.transfer.history.length, 2);
  assert.ok(fs.existsSync(path.join(result.runDir, 'model.json')));
});

test('augmentation with the top blocks unfrozen streams images through the frozen bottom, at batch 16', async () => {
  const result = await session.client.sendRequest(P.train, {
    recipe: recipe(fixture('fashion-small'), {
      freeze: { freezeUpTo: 'block_14_add' },
      epochs: 1,
      batchSize: 16,
      maxPerClass: 8,
      patience: 0,
      name: 'augmented-top',
      augmentation: { flip: true, rotation: 5, crop: 0.05, brightness: 0.05 },
      secondPhase: { unfreezeFrom: 'block_13_expand', epochs: 1, learningRate: 0.0001 },
    }),
    cacheDir,
  });
  assert.deepEqual(
    result.transfer.history.map((h) => h.phase),
    [1, 2],
  );
  assert.ok(fs.existsSync(path.join(result.runDir, 'model.json')));
});
