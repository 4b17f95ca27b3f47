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
import { fixture, ROOT, tempDir } from '../helpers/fixtures';
import { runPython, skipWithoutPython } from '../helpers/python';

/** The families the issue names; TS_KERAS_FAMILIES=A,B narrows a local run. */
const ALL = ['MobileNet', 'MobileNetV2', 'MobileNetV3Small', 'MobileNetV3Large', 'EfficientNetB0', 'EfficientNetB1', 'EfficientNetB2',
  'ResNet50', 'ResNet50V2', 'VGG16', 'InceptionV3', 'DenseNet121', 'Xception'];
const FAMILIES = process.env.TS_KERAS_FAMILIES?.split(',') ?? ALL;
/** ‖tfjs − keras‖ / ‖keras‖ allowed on the feature layer (float32 on both sides). */
const TOLERANCE = 1e-4;

export const KERAS_FIXTURES = fixture('keras');
const skip = skipWithoutPython();
const cacheDir = tempDir('keras-import');
const seen: string[] = [];

interface FamilyFixture {
  input: [number, number, number];
  featureLayer: string;
  featureShape: number[];
  scale: 'raw' | 'symmetric';
  params: number;
  layers: string[];
}
let manifest: { families: Record<string, FamilyFixture> };

before(async () => {
  if (skip) return;
  const script = path.join(ROOT, 'test/python/make_keras_fixtures.py');
  const out = runPython(script, [KERAS_FIXTURES, fixture('photos'), FAMILIES.join(',')]);
  manifest = JSON.parse(out.trim().split('\n').pop() ?? '{}');
  await initBackend('wasm');
});

after(() => {
  fs.rmSync(cacheDir, { recursive: true, force: true });
  if (seen.length) console.log(`keras import agreement (‖tfjs − keras‖ / ‖keras‖):\n${seen.join('\n')}`);
});

async function agreement(file: string, family: FamilyFixture): Promise<number> {
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
    const features = tf.model({ inputs: model.inputs, outputs: model.getLayer(family.featureLayer).output as tf.SymbolicTensor });
    const got = tf.tidy(() => (features.predict(tf.tensor(input.data, [input.rows, ...family.input])) as tf.Tensor).dataSync());
    assert.equal(got.length, expected.data.length);
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < got.length; i++) {
      diff += (got[i] - expected.data[i]) ** 2;
      norm += expected.data[i] ** 2;
    }
    assert.ok(norm > 0, 'Keras features are not all zero');
    return Math.sqrt(diff / norm);
  } finally {
    model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const name of FAMILIES) {
  test(`${name}: .keras and .h5 import with Keras' layer names and agree with Keras on the feature layer`, { skip }, async () => {
    const family = manifest.families[name];
    for (const ext of ['keras', 'h5']) {
      const rel = await agreement(path.join(KERAS_FIXTURES, `${name}.${ext}`), family);
      seen.push(`${name}.${ext} ${family.featureLayer} ${rel.toExponential(2)}`);
      assert.ok(rel <= TOLERANCE, `${name}.${ext}: relative error ${rel} > ${TOLERANCE}`);
    }
  });
}
