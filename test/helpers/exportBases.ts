// Small TF.js bases for the export tests, saved as standard LayersModels with a metadata.json: one with
// the layer kinds and graph shapes that are easy to translate wrongly, one with a layer export refuses.
import fs from 'node:fs';
import path from 'node:path';
import { saveLayersModel } from '../../src/trainer/models/modelFiles';
import * as tf from '../../src/trainer/tf';

type T = tf.SymbolicTensor;

/**
 * Branches of the same layer classes at the same depth (their order in Keras' weights file is easy to get
 * wrong), TF.js's hard_sigmoid (not Keras 3's), relu6, swish, a separable conv, asymmetric `same` padding (conv, max pooling),
 * average pooling over padding, a residual Add, a Concatenate, a Flatten after NHWC maps, BatchNorm with real statistics,
 * inputs scaled to [-1, 1].
 */
export async function saveTrickyBase(dir: string): Promise<string> {
  const seed = (n: number) => tf.initializers.glorotUniform({ seed: n });
  const input = tf.input({ shape: [24, 24, 3], name: 'pixels' });
  const pad = tf.layers
    .zeroPadding2d({
      padding: [
        [0, 1],
        [0, 1],
      ],
      name: 'pad',
    })
    .apply(input) as T;
  const stem = tf.layers
    .conv2d({ filters: 8, kernelSize: 3, strides: 2, useBias: false, name: 'stem', kernelInitializer: seed(1) })
    .apply(pad) as T;
  const stemBn = tf.layers.batchNormalization({ name: 'stem_bn' }).apply(stem) as T;
  const relu = tf.layers.reLU({ maxValue: 6, name: 'stem_relu' }).apply(stemBn) as T;
  const a = tf.layers
    .conv2d({ filters: 8, kernelSize: 1, activation: 'hardSigmoid', name: 'branch_a', kernelInitializer: seed(2) })
    .apply(relu) as T;
  const aBn = tf.layers.batchNormalization({ name: 'branch_a_bn' }).apply(a) as T;
  const b = tf.layers
    .conv2d({ filters: 8, kernelSize: 1, activation: 'relu', name: 'branch_b', kernelInitializer: seed(3) })
    .apply(relu) as T;
  const bBn = tf.layers.batchNormalization({ name: 'branch_b_bn' }).apply(b) as T;
  const dw = tf.layers
    .depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'relu6', name: 'dw', depthwiseInitializer: seed(4) })
    .apply(relu) as T;
  const sum = tf.layers.add({ name: 'residual' }).apply([relu, dw]) as T;
  // b before a: Keras orders layers of equal depth by its walk from the output, not by creation.
  const cat = tf.layers.concatenate({ name: 'concat' }).apply([bBn, aBn, sum]) as T;
  const down = tf.layers
    .conv2d({
      filters: 8,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'swish',
      name: 'down',
      kernelInitializer: seed(5),
    })
    .apply(cat) as T;
  // Averages at the border divide by the pixels inside the image (TF), not by the window.
  const sep = tf.layers
    .separableConv2d({
      filters: 8,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      name: 'sep',
    })
    .apply(down) as T;
  const avg = tf.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same', name: 'avg' }).apply(sep) as T;
  // Uneven `same` padding (0 before, 1 after): Keras' torch backend would average repeated edge pixels.
  const uneven = tf.layers
    .averagePooling2d({ poolSize: 2, strides: 1, padding: 'same', name: 'avg_uneven' })
    .apply(avg) as T;
  const max = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'max' }).apply(uneven) as T;
  const features = tf.layers.flatten({ name: 'features' }).apply(max) as T;
  const logits = tf.layers
    .dense({ units: 4, activation: 'softmax', name: 'logits', kernelInitializer: seed(6) })
    .apply(features) as T;
  const model = tf.model({ inputs: input, outputs: logits });
  randomizeBatchNorm(model);
  return save(model, dir, { size: [24, 24], channels: 3, scale: 'symmetric' }, 'features');
}

/** A base whose kept part holds a LayerNormalization, which neither Keras export nor ONNX export translates. */
export async function saveUnexportableBase(dir: string): Promise<string> {
  const input = tf.input({ shape: [8, 8, 3], name: 'pixels' });
  const conv = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, name: 'conv', kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) })
    .apply(input) as T;
  const norm = tf.layers.layerNormalization({ name: 'odd_norm' }).apply(conv) as T;
  const features = tf.layers.flatten({ name: 'features' }).apply(norm) as T;
  const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }).apply(features) as T;
  return save(tf.model({ inputs: input, outputs: out }), dir, { size: [8, 8], channels: 3, scale: 'unit' }, 'features');
}

/** Moving statistics, scales and offsets away from the identity, so a wrong BatchNorm shows. */
function randomizeBatchNorm(model: tf.LayersModel): void {
  let seed = 10;
  for (const layer of model.layers.filter((l) => l.getClassName() === 'BatchNormalization')) {
    // getWeights() hands out the variables' own tensors: read the size, never dispose them.
    const c = layer.getWeights()[0].shape[0];
    const values = [
      [0.5, 1.5],
      [-0.3, 0.3],
      [-0.5, 0.5],
      [0.2, 1.5],
    ].map(([lo, hi]) => tf.randomUniform([c], lo, hi, 'float32', seed++));
    layer.setWeights(values);
    values.forEach((t) => t.dispose());
  }
}

async function save(model: tf.LayersModel, dir: string, preprocessing: object, featureLayer: string): Promise<string> {
  await saveLayersModel(model, dir);
  model.dispose();
  fs.writeFileSync(
    path.join(dir, 'metadata.json'),
    JSON.stringify({ preprocessing, defaultFeatureLayer: featureLayer }),
  );
  return dir;
}
