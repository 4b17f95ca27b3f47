import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '../../src/trainer/tf';
import { loadLayersModelFromFile, saveLayersModel, writeFileAtomic } from '../../src/trainer/models/modelFiles';
import { tempDir } from '../helpers/fixtures';

function smallModel(seed: number): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const out = tf.layers
    .dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed }) })
    .apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

test('save then load gives the same predictions', async () => {
  await tf.setBackend('cpu');
  const dir = tempDir('model');
  const model = smallModel(1);
  await saveLayersModel(model, dir);
  const loaded = await loadLayersModelFromFile(path.join(dir, 'model.json'));
  const x = tf.tensor2d([[1, 2, 3, 4]]);
  assert.deepEqual(
    Array.from(await (loaded.predict(x) as tf.Tensor).data()),
    Array.from(await (model.predict(x) as tf.Tensor).data()),
  );
});

test('saving again replaces the model and removes the old weights file', async () => {
  const dir = tempDir('model');
  await saveLayersModel(smallModel(1), dir);
  await saveLayersModel(smallModel(2), dir);
  const files = fs.readdirSync(dir).sort();
  assert.equal(files.filter((f) => f.endsWith('.bin')).length, 1);
  assert.ok(!files.some((f) => f.endsWith('.tmp')));
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  assert.ok(fs.existsSync(path.join(dir, json.weightsManifest[0].paths[0])));
});

test('a failed save leaves the previous model intact and says where and why', async () => {
  const dir = tempDir('model');
  await saveLayersModel(smallModel(1), dir);
  const before = fs.readFileSync(path.join(dir, 'model.json'), 'utf8');
  // A directory where the temporary file must be created makes the write fail on any user, root included.
  fs.mkdirSync(path.join(dir, `model.json.${process.pid}.tmp`));
  await assert.rejects(
    saveLayersModel(smallModel(2), dir),
    /Could not save .*model\.json.*previous version is untouched/,
  );
  assert.equal(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'), before);
  const loaded = await loadLayersModelFromFile(path.join(dir, 'model.json'));
  assert.equal(loaded.layers.length, 2);
});

test('missing, truncated and foreign weight files are named in the error', async () => {
  const dir = tempDir('model');
  await saveLayersModel(smallModel(1), dir);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const weights = path.join(dir, json.weightsManifest[0].paths[0]);
  const good = fs.readFileSync(weights);
  fs.writeFileSync(weights, good.subarray(0, 10));
  await assert.rejects(loadLayersModelFromFile(path.join(dir, 'model.json')), /are 10 bytes but the manifest needs 60/);
  fs.rmSync(weights);
  await assert.rejects(loadLayersModelFromFile(path.join(dir, 'model.json')), /Weights file missing: .*weights-/);
  await assert.rejects(loadLayersModelFromFile(path.join(dir, 'nope.json')), /file not found/);
});

test('an unknown layer class is refused by name; no code is loaded', async () => {
  const dir = tempDir('model');
  await saveLayersModel(smallModel(1), dir);
  const file = path.join(dir, 'model.json');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/"class_name":"Dense"/, '"class_name":"EvilLambda"'));
  await assert.rejects(loadLayersModelFromFile(file), /layer class "EvilLambda"/);
});

test('writeFileAtomic never leaves a partial file under the target name', () => {
  const dir = tempDir('atomic');
  const file = path.join(dir, 'a.json');
  writeFileAtomic(file, 'one');
  writeFileAtomic(file, 'two');
  assert.equal(fs.readFileSync(file, 'utf8'), 'two');
  assert.deepEqual(fs.readdirSync(dir), ['a.json']);
});
