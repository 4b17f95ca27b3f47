// A bag of embeddings: token ids → Embedding → mean over the real tokens (the mask) → softmax. From random
// init it is the honest from-scratch baseline of a text kind (fastText without n-grams). tfjs'
// GlobalAveragePooling1D would average the padding too, hence MaskedMean.
import * as tf from '../../tf';

/** Inputs of a token model, as the text kind decodes them. */
export const IDS_INPUT = 'ids';
export const MASK_INPUT = 'mask';
export const EMBEDDING_LAYER = 'embedding';

/** Mean of [batch, length, dims] over the positions where the mask ([batch, length]) is 1. */
export class MaskedMean extends tf.layers.Layer {
  static readonly className = 'MaskedMean';

  computeOutputShape(shapes: tf.Shape | tf.Shape[]): tf.Shape {
    const [embedded] = shapes as tf.Shape[];
    return [embedded[0], embedded[2]];
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [embedded, mask] = inputs as tf.Tensor[];
      const summed = tf.sum(tf.mul(embedded, tf.expandDims(mask, 2)), 1);
      // A text without words pools to zeros rather than dividing by zero.
      return tf.div(summed, tf.maximum(tf.sum(mask, 1, true), 1));
    });
  }
}
tf.serialization.registerClass(MaskedMean);

export interface BagOptions {
  vocabularySize: number;
  maxLength: number;
  dims: number;
  classes: number;
  seed?: number;
}

export function bagOfEmbeddings(o: BagOptions): tf.LayersModel {
  const ids = tf.input({ shape: [o.maxLength], dtype: 'int32', name: IDS_INPUT });
  const mask = tf.input({ shape: [o.maxLength], name: MASK_INPUT });
  const embedding = tf.layers.embedding({
    name: EMBEDDING_LAYER,
    inputDim: o.vocabularySize,
    outputDim: o.dims,
    embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: o.seed }),
  });
  const pooled = new MaskedMean({ name: 'masked_mean' }).apply([
    embedding.apply(ids) as tf.SymbolicTensor,
    mask,
  ]) as tf.SymbolicTensor;
  const dense = tf.layers.dense({
    units: o.classes,
    activation: 'softmax',
    name: 'head',
    kernelInitializer: tf.initializers.glorotUniform({ seed: o.seed }),
  });
  return tf.model({ inputs: [ids, mask], outputs: dense.apply(pooled) as tf.SymbolicTensor });
}
