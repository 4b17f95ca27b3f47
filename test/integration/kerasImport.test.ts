// Keras files as bases, against real Keras 3: test/python/make_keras_fixtures.py builds keras.applications
// models (random but fixed weights, smallest inputs), saves .keras and .h5 and records Keras' own output of the
// feature layer on three photos. Each family must import from both files with Keras' layer names and agree.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { readNpy } from '../../src/trainer/features/npy';
import { SCALAR_OP_CLASS } from '../../src/trainer/interchange/kerasClasses';
import { importKerasFile, type KerasImportSidecar } from '../../src/trainer/interchange/kerasImport';
import { loadLayersModelFromFile } from '../../src/trainer/models/modelFiles';
import * as tf from '../../src/trainer/tf';
import { ROOT, tempDir } from '../helpers/fixtures';
import { KERAS_FIXTURES, makeKerasFixtures, type KerasFamilyFixture } from '../helpers/kerasFixtures';
import { runPython, skipWithoutPython } from '../helpers/python';

/** The families the issue names; TS_KERAS_FAMILIES=A,B narrows a local run. */
const ALL = [
  'MobileNet',
  'MobileNetV2',
  'MobileNetV3Small',
  'MobileNetV3Large',
  'EfficientNetB0',
  'EfficientNetB1',
  'EfficientNetB2',
  'ResNet50',
  'ResNet50V2',
  'VGG16',
  'InceptionV3',
  'DenseNet121',
  'Xception',
];
const FAMILIES = process.env.TS_KERAS_FAMILIES?.split(',') ?? ALL;
/** ‖tfjs − keras‖ / ‖keras‖ allowed on the feature layer (float32 on both sides). */
const TOLERANCE = 1e-4;

const skip = skipWithoutPython();
const cacheDir = tempDir('keras-import');
const seen: string[] = [];

let manifest: Record<string, KerasFamilyFixture>;

before(async () => {
  if (skip) return;
  manifest = makeKerasFixtures(FAMILIES);
  await initBackend('wasm');
});

after(() => {
  fs.rmSync(cacheDir, { recursive: true, force: true });
  if (seen.length) console.log(`keras import agreement (‖tfjs − keras‖ / ‖keras‖):\n${seen.join('\n')}`);
});

/** ‖got − expected‖ / ‖expected‖. */
function relativeError(got: ArrayLike<number>, expected: Float32Array): number {
  assert.equal(got.length, expected.length);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < got.length; i++) {
    diff += (got[i] - expected[i]) ** 2;
    norm += expected[i] ** 2;
  }
  assert.ok(norm > 0, 'Keras output is not all zero');
  return Math.sqrt(diff / norm);
}

async function agreement(file: string, family: KerasFamilyFixture): Promise<number> {
  const dir = await importKerasFile(file, cacheDir);
  const sidecar = JSON.parse(fs.readFileSync(path.join(dir, 'metadata.json'), 'utf8')) as KerasImportSidecar;
  const model = await loadLayersModelFromFile(path.join(dir, 'model.json'));
  try {
    // Keras lists layers only; arithmetic on tensors (MobileNetV3's x + 3) are op nodes, layers of ours here.
    const layers = model.layers.filter((l) => l.getClassName() !== SCALAR_OP_CLASS).map((l) => l.name);
    assert.deepEqual(layers, family.layers, 'same layer names, same order');
    assert.equal(sidecar.defaultFeatureLayer, family.featureLayer);
    assert.equal(sidecar.preprocessing.scale, family.scale);
    const params = model.layers.reduce((s, l) => s + l.countParams(), 0);
    // Keras counts Normalization's mean/variance/count as non-trainable weights, and so do we.
    assert.equal(params, family.params);
    const input = await readNpy(file.replace(/\.(keras|h5)$/, '.input.npy'));
    const expected = await readNpy(file.replace(/\.(keras|h5)$/, '.features.npy'));
    const features = tf.model({
      inputs: model.inputs,
      outputs: model.getLayer(family.featureLayer).output as tf.SymbolicTensor,
    });
    const got = tf.tidy(() =>
      (features.predict(tf.tensor(input.data, [input.rows, ...family.input])) as tf.Tensor).dataSync(),
    );
    return relativeError(got, expected.data);
  } finally {
    model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const name of FAMILIES) {
  test(
    `${name}: .keras and .h5 import with Keras' layer names and agree with Keras on the feature layer`,
    { skip },
    async () => {
      const family = manifest[name];
      for (const ext of ['keras', 'h5']) {
        const rel = await agreement(path.join(KERAS_FIXTURES, `${name}.${ext}`), family);
        seen.push(`${name}.${ext} ${family.featureLayer} ${rel.toExponential(2)}`);
        assert.ok(rel <= TOLERANCE, `${name}.${ext}: relative error ${rel} > ${TOLERANCE}`);
      }
    },
  );
}

test(
  'a keras.applications base nested in a Sequential or Functional model is unpacked under its layer names',
  { skip },
  async () => {
    const dir = path.join(cacheDir, 'nested');
    runPython(path.join(ROOT, 'test/python/make_nested_keras.py'), [dir]);
    const input = await readNpy(path.join(dir, 'input.npy'));
    for (const file of ['seq.keras', 'seq.h5', 'fun.keras', 'fun.h5']) {
      const model = await loadLayersModelFromFile(
        path.join(await importKerasFile(path.join(dir, file), cacheDir), 'model.json'),
      );
      assert.ok(
        model.layers.some((l) => l.name === 'block_16_project_BN'),
        `${file}: the base's layers are the model's`,
      );
      const expected = await readNpy(path.join(dir, `${file.split('.')[0]}.out.npy`));
      const got = tf.tidy(() =>
        (model.predict(tf.tensor(input.data, [input.rows, 32, 32, 3])) as tf.Tensor).dataSync(),
      );
      const rel = relativeError(got, expected.data);
      seen.push(`nested ${file} output ${rel.toExponential(2)}`);
      assert.ok(rel <= TOLERANCE, `${file}: relative error ${rel}`);
      model.dispose();
    }
  },
);
