// Keras files and the built-in pool as bases through the real trainer process: a fine-tune on an imported
// ResNet50, the built-in InceptionV3, and one clear error for each file that is not a usable base.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { BUILTIN_BASE_INFO, BUILTIN_BASES } from '../../src/shared/builtinBases';
import { allPredicted, fixture, ROOT, trainerSession } from '../helpers/fixtures';
import { KERAS_FIXTURES, makeKerasFixtures } from '../helpers/kerasFixtures';
import { runPython, skipWithoutPython } from '../helpers/python';
import * as P from '../../src/shared/trainerProtocol';

const session = trainerSession('keras-base');
const { cacheDir, recipe, work } = session;
const skip = skipWithoutPython();
const KERAS = KERAS_FIXTURES;
const BAD = path.join(work, 'bad');

before(() => {
  if (skip) return;
  makeKerasFixtures(['ResNet50', 'MobileNetV2']);
  runPython(path.join(ROOT, 'test/python/make_bad_keras.py'), [BAD]);
});

test('a Keras ResNet50 (.keras) fine-tunes through its top block, then predicts and evaluates', { skip }, async () => {
  const base = path.join(KERAS, 'ResNet50.keras');
  const layers = await session.client.sendRequest(P.listLayers, { base, cacheDir });
  assert.equal(layers.defaultFeatureLayer, 'conv5_block3_out');
  const result = await session.client.sendRequest(P.train, {
    recipe: recipe(fixture('fashion-small'), {
      base,
      freeze: { featureLayer: 'conv5_block3_out', freezeUpTo: 'conv5_block3_2_relu' },
      epochs: 2,
      batchSize: 8,
      maxPerClass: 10,
      patience: 0,
      name: 'resnet-keras',
    }),
    cacheDir,
  });
  assert.equal(result.transfer.history.length, 2);
  const trainableBase = layers.layers
    .slice(layers.layers.findIndex((l) => l.name === 'conv5_block3_2_relu') + 1)
    .filter(
      (l) =>
        layers.layers.findIndex((x) => x.name === l.name) <=
        layers.layers.findIndex((x) => x.name === 'conv5_block3_out'),
    )
    .reduce((s, l) => s + l.trainableParams, 0);
  assert.ok(
    trainableBase > 0 && result.transfer.trainableParams > trainableBase,
    'base layers above the cut train with the head',
  );
  const images = fs
    .readdirSync(fixture('fashion-small/bag'))
    .slice(0, 2)
    .map((f) => fixture(`fashion-small/bag/${f}`));
  const predictions = allPredicted(await session.client.sendRequest(P.predictEach, { runDir: result.runDir, images }));
  assert.equal(predictions.length, 2);
  const evaluation = await session.client.sendRequest(P.evaluate, {
    runDir: result.runDir,
    folder: fixture('fashion-small'),
  });
  assert.equal(evaluation.classes.length, 3);
});

test('the legacy .h5 of the same family serves as a base too (head only, cached features)', { skip }, async () => {
  const result = await session.client.sendRequest(P.train, {
    recipe: recipe(fixture('fashion-small'), {
      base: path.join(KERAS, 'MobileNetV2.h5'),
      epochs: 1,
      maxPerClass: 6,
      patience: 0,
      name: 'mnv2-h5',
    }),
    cacheDir,
  });
  assert.equal(result.transfer.history.length, 1);
});

for (const id of BUILTIN_BASES) {
  test(`built-in ${id}: input, parameters and feature layer are what the pool table states`, async () => {
    const info = BUILTIN_BASE_INFO[id];
    const base = await session.client.sendRequest(P.listLayers, { base: id, cacheDir });
    assert.equal(base.totalParams, info.params);
    assert.deepEqual(base.preprocessing.size, info.inputSize);
    assert.ok(base.layers.some((l) => l.name === info.defaultFeatureLayer));
    assert.match(base.credit ?? '', /MB on disk/);
  });
}

test('a head trains on the built-in InceptionV3', async () => {
  const result = await session.client.sendRequest(P.train, {
    recipe: recipe(fixture('fashion-small'), {
      base: 'inception_v3',
      epochs: 1,
      maxPerClass: 4,
      patience: 0,
      name: 'inception',
    }),
    cacheDir,
  });
  assert.equal(result.transfer.history.length, 1);
});

test(
  'files that are not usable bases: one clear error each, naming the file (and the layer), nothing cached',
  { skip },
  async () => {
    const truncated = path.join(work, 'truncated.keras');
    const whole = fs.readFileSync(path.join(KERAS, 'MobileNetV2.keras'));
    fs.writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const onnx = path.join(work, 'model.onnx');
    fs.writeFileSync(onnx, Buffer.from([0x08, 0x07, 0x12, 0x04]));
    const cases: [string, RegExp][] = [
      [truncated, /truncated\.keras.*(damaged|truncated)/],
      [path.join(BAD, 'not_a_model.h5'), /not_a_model\.h5.*not a Keras model/],
      [path.join(BAD, 'unconvertible.keras'), /unconvertible\.keras.*"unit_norm" \(UnitNormalization\)/],
      [onnx, /model\.onnx.*ONNX/],
    ];
    for (const [file, message] of cases) {
      await assert.rejects(session.client.sendRequest(P.listLayers, { base: file, cacheDir }), (e: Error) => {
        assert.match(e.message, message);
        assert.equal(e.message.split('\n').length, 1, 'one line');
        return true;
      });
    }
    const converted = path.join(cacheDir, 'keras');
    const folders = fs.existsSync(converted) ? fs.readdirSync(converted) : [];
    assert.ok(
      folders.every((f) => !f.endsWith('.tmp')),
      'no half-written conversion left behind',
    );
  },
);
