// The develop-model approach: a small CNN trained from scratch on a large related task, saved, and then
// used as a base. Its conv blocks are fitted to the input size: halve the resolution until it is ≤ 7.
import { SOURCE_CNN_MIN_BLOCKS } from '../../shared/recipeChecks';
import * as tf from '../tf';
import { streamDropout } from './streamDropout';

/** The layer a transfer run cuts at by default: the flattened output of the conv blocks. */
export const SOURCE_FEATURE_LAYER = 'features';

export function buildSourceCnn(
  inputSize: [number, number],
  channels: number,
  classes: number,
  seed: number,
): tf.LayersModel {
  const [h, w] = inputSize;
  const blocks = Math.max(SOURCE_CNN_MIN_BLOCKS, Math.ceil(Math.log2(Math.min(h, w) / 7)));
  const input = tf.input({ shape: [h, w, channels], name: 'image' });
  let x = input;
  for (let b = 1; b <= blocks; b++) {
    const filters = Math.min(256, 16 * 2 ** b);
    x = tf.layers
      .conv2d({
        filters,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        name: `conv${b}`,
        kernelInitializer: tf.initializers.heNormal({ seed: seed + b }),
      })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2, name: `pool${b}` }).apply(x) as tf.SymbolicTensor;
  }
  x = tf.layers.flatten({ name: SOURCE_FEATURE_LAYER }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .dense({ units: 128, activation: 'relu', name: 'fc1', kernelInitializer: tf.initializers.heNormal({ seed }) })
    .apply(x) as tf.SymbolicTensor;
  x = streamDropout({ rate: 0.5, seed, name: 'drop1' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({
      units: classes,
      activation: 'softmax',
      name: 'predictions',
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'source_cnn' });
}

/** The same architecture as `model` with fresh random weights: the from-scratch twin of a transfer run. */
export async function randomTwin(model: tf.LayersModel): Promise<tf.LayersModel> {
  const topology = model.toJSON(undefined, false) as tf.serialization.ConfigDict;
  return tf.models.modelFromJSON({ modelTopology: topology });
}
