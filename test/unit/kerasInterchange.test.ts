// The Keras → TF.js conversion rules that need no Keras: activations whose meaning differs between the two,
// arithmetic nodes, Sequential models, and the zip bounds checked before anything is inflated.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { zipSync } from 'fflate';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { openKerasFile, KerasFileError } from '../../src/trainer/interchange/kerasArchive';
import { KERAS_ACTIVATIONS, kerasClassOf, TFJS_ACTIVATIONS } from '../../src/trainer/interchange/kerasClasses';
import { convertModelConfig } from '../../src/trainer/interchange/kerasConfig';
import { ConversionError } from '../../src/trainer/interchange/kerasLayer';
import { KerasActivation, KerasScalarOp } from '../../src/trainer/interchange/kerasLayers';
import { applyFreezePlan } from '../../src/trainer/models/transferModel';
import * as tf from '../../src/trainer/tf';
import { tempDir } from '../helpers/fixtures';

before(async () => {
  await initBackend('cpu');
});

const tensor = (name: string, node = 0) => ({
  class_name: '__keras_tensor__',
  config: { shape: [null, 4], dtype: 'float32', keras_history: [name, node, 0] },
});
const input = {
  module: 'keras.layers',
  class_name: 'InputLayer',
  name: 'in',
  config: { name: 'in', batch_shape: [null, 4], dtype: 'float32' },
  inbound_nodes: [],
};
const functional = (layers: object[], output: string) => ({
  class_name: 'Functional',
  config: { name: 'm', layers, input_layers: [['in', 0, 0]], output_layers: [[output, 0, 0]] },
});

test("Keras 3's hard_sigmoid and hard_silu keep Keras' formula, relu6(x + 3) / 6, not TF.js' 0.2x + 0.5", () => {
  assert.equal(KERAS_ACTIVATIONS.hard_sigmoid, null, 'never mapped onto TF.js hardSigmoid');
  assert.equal(TFJS_ACTIVATIONS.hard_sigmoid, undefined, "TF.js' hard_sigmoid has no Keras 3 counterpart");
  const x = tf.tensor1d([-4, -1, 0, 1, 4]);
  const sigmoid = new KerasActivation({ activation: 'hard_sigmoid' }).apply(x) as tf.Tensor;
  const silu = new KerasActivation({ activation: 'hardSilu' }).apply(x) as tf.Tensor;
  const expected = [0, 2 / 6, 0.5, 4 / 6, 1];
  Array.from(sigmoid.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `hard_sigmoid(${i})`));
  Array.from(silu.dataSync()).forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i] * [-4, -1, 0, 1, 4][i]) < 1e-6, `hard_silu(${i})`),
  );
  assert.equal(kerasClassOf('KerasActivation'), 'Activation');
});

test('x + 3 and x * (1/6) become scalar layers; 3 - x is refused naming the layer', () => {
  const add = {
    module: 'keras.src.ops.numpy',
    class_name: 'Add',
    name: 'add',
    config: { name: 'add' },
    inbound_nodes: [{ args: [tensor('in'), 3], kwargs: {} }],
  };
  const converted = convertModelConfig(functional([input, add], 'add'));
  assert.deepEqual(converted.config.layers[1].config, {
    op: 'add',
    value: 3,
    trainable: true,
    dtype: 'float32',
    name: 'add',
  });
  const y = new KerasScalarOp({ op: 'multiply', value: 0.5 }).apply(tf.tensor1d([2, 4])) as tf.Tensor;
  assert.deepEqual(Array.from(y.dataSync()), [1, 2]);
  const rsub = {
    module: 'keras.src.ops.numpy',
    class_name: 'Subtract',
    name: 'rsub',
    config: { name: 'rsub' },
    inbound_nodes: [{ args: [3, tensor('in')], kwargs: {} }],
  };
  assert.throws(
    () => convertModelConfig(functional([input, rsub], 'rsub')),
    (e: Error) => e instanceof ConversionError && /layer "rsub" \(Subtract\)/.test(e.message),
  );
});

test('a Dense layer with an activation TF.js lacks inside a layer is refused naming it', () => {
  const dense = {
    module: 'keras.layers',
    class_name: 'Dense',
    name: 'fc',
    config: { name: 'fc', units: 2, activation: 'hard_silu', use_bias: true },
    inbound_nodes: [{ args: [tensor('in')], kwargs: {} }],
  };
  assert.throws(() => convertModelConfig(functional([input, dense], 'fc')), /layer "fc" \(Dense\).*hard_silu/);
});

test('a Sequential model becomes a chain with its layer names', async () => {
  const seq = {
    class_name: 'Sequential',
    config: {
      name: 'seq',
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', config: { name: 'input_layer', batch_shape: [null, 4] } },
        {
          module: 'keras.layers',
          class_name: 'Dense',
          config: { name: 'hidden', units: 3, activation: 'silu', use_bias: true },
        },
        {
          module: 'keras.layers',
          class_name: 'Dense',
          config: { name: 'out', units: 2, activation: 'softmax', use_bias: true },
        },
      ],
    },
  };
  const config = convertModelConfig(seq);
  const model = await tf.models.modelFromJSON({
    modelTopology: { model_config: config },
  } as unknown as tf.io.ModelJSON);
  assert.deepEqual(
    model.layers.map((l) => l.name),
    ['input_layer', 'hidden', 'out'],
  );
  assert.deepEqual(model.outputs[0].shape, [null, 2]);
  model.dispose();
});

test('a .keras whose zip directory claims a huge entry is refused before inflating, naming the limit', async () => {
  const dir = tempDir('zip-bomb');
  const zip = Buffer.from(
    zipSync({ 'config.json': new TextEncoder().encode('{}'), 'model.weights.h5': new Uint8Array(16) }, { level: 0 }),
  );
  // Patch the central directory's uncompressed size of model.weights.h5 to 3 GiB.
  const central = zip.lastIndexOf(Buffer.from('model.weights.h5')) - 46;
  assert.equal(zip.readUInt32LE(central), 0x02014b50);
  zip.writeUInt32LE(3 * 1024 ** 3, central + 24);
  const file = path.join(dir, 'bomb.keras');
  fs.writeFileSync(file, zip);
  await assert.rejects(
    openKerasFile(file),
    (e: Error) => e instanceof KerasFileError && /bomb\.keras.*maxZipEntryBytes/.test(e.message),
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a trainable BatchNorm without scale (InceptionV3) computes the same and records gradients for its offset', () => {
  const bn = tf.layers.batchNormalization({ scale: false, name: 'bn', inputShape: [2, 2, 3] });
  const model = tf.sequential({ layers: [bn] });
  bn.setWeights([tf.tensor1d([0.1, -0.2, 0.3]), tf.tensor1d([0.5, 0, -0.5]), tf.tensor1d([1.5, 0.7, 0.2])]);
  const x = tf.randomNormal([2, 2, 2, 3], 0, 1, 'float32', 7);
  const before = (model.predict(x) as tf.Tensor).dataSync();
  applyFreezePlan(model, { featureLayer: 'bn', kept: ['bn'], frozen: new Set(), baseFullyFrozen: false });
  const after = (model.predict(x) as tf.Tensor).dataSync();
  before.forEach((v, i) => assert.ok(Math.abs(v - after[i]) < 1e-5, `output ${i}`));
  const { grads } = tf.variableGrads(() => tf.sum(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
  assert.deepEqual(
    Object.keys(grads).map((k) => k.split('/').pop()),
    ['beta'],
  );
});
