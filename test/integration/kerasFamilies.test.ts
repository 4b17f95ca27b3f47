// Every keras.applications family the import covers fine-tunes through the real trainer: the top of the
// imported base (the last few layers up to the feature layer) trains with the new head for one epoch.
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
import { fixture, trainerSession } from '../helpers/fixtures';
import { KERAS_FIXTURES, makeKerasFixtures } from '../helpers/kerasFixtures';
import { skipWithoutPython } from '../helpers/python';
import * as P from '../../src/shared/trainerProtocol';

const FAMILIES = [
  'MobileNet',
  'MobileNetV3Small',
  'MobileNetV3Large',
  'EfficientNetB0',
  'EfficientNetB1',
  'EfficientNetB2',
  'ResNet50V2',
  'VGG16',
  'InceptionV3',
  'DenseNet121',
  'Xception',
];
/** How many layers below the feature layer are unfrozen: enough to reach a layer with weights everywhere. */
const UNFROZEN = 6;

const session = trainerSession('keras-families');
const skip = skipWithoutPython();

before(() => {
  if (!skip) makeKerasFixtures(FAMILIES);
});

for (const name of FAMILIES) {
  test(`${name} (.keras) fine-tunes its top layers with a new head`, { skip }, async () => {
    const base = path.join(KERAS_FIXTURES, `${name}.keras`);
    const layers = await session.client.sendRequest(P.listLayers, { base, cacheDir: session.cacheDir });
    const cut = layers.layers.findIndex((l) => l.name === layers.defaultFeatureLayer);
    const freezeUpTo = layers.layers[cut - UNFROZEN].name;
    const result = await session.client.sendRequest(P.train, {
      recipe: session.recipe(fixture('fashion-small'), {
        base,
        freeze: { featureLayer: layers.defaultFeatureLayer, freezeUpTo },
        epochs: 1,
        batchSize: 8,
        maxPerClass: 4,
        patience: 0,
        name,
      }),
      cacheDir: session.cacheDir,
    });
    assert.equal(result.transfer.history.length, 1);
    assert.ok(Number.isFinite(result.transfer.history[0].loss), 'a finite loss');
    const head = result.transfer.trainableParams;
    const baseTrainable = layers.layers.slice(cut - UNFROZEN + 1, cut + 1).reduce((s, l) => s + l.trainableParams, 0);
    assert.ok(
      baseTrainable > 0 && head > baseTrainable,
      `${name}: base layers above ${freezeUpTo} train with the head`,
    );
  });
}
