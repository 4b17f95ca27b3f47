// A bag of embeddings: token ids → Embedding → mean over the real tokens (the mask) → softmax. From random
// init it is the honest from-scratch baseline of a text run; initialised from GloVe it is the model that
// fine-tunes. tfjs' GlobalAveragePooling1D would average the padding too, hence MaskedMean.
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

/** tfjs-layers exports the regularizer functions but not their class. */
type Regularizer = ReturnType<typeof tf.regularizers.l2>;

export interface BagOptions {
  vocabularySize: number;
  maxLength: number;
  dims: number;
  classes: number;
  /** Initial embeddings [vocabularySize, dims] (GloVe rows); absent: random. */
  initial?: tf.Tensor2D;
  /** L2-SP: a penalty pulling the embeddings toward `initial` (absent or 0: none). */
  anchorPenalty?: number;
  seed?: number;
}

/** L2-SP (Li et al. 2018): α · Σ (w − w₀)², the fine-tuned weights stay near the pre-trained ones. */
export class L2SP extends tf.serialization.Serializable {
  static readonly className = 'L2SP';
  constructor(
    private readonly anchor: tf.Tensor,
    private readonly alpha: number,
  ) {
    super();
  }
  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mul(tf.sum(tf.square(tf.sub(x, this.anchor))), this.alpha));
  }
  getConfig(): tf.serialization.ConfigDict {
    return { alpha: this.alpha };
  }
}

export function bagOfEmbeddings(o: BagOptions): tf.LayersModel {
  const ids = tf.input({ shape: [o.maxLength], dtype: 'int32', name: IDS_INPUT });
  const mask = tf.input({ shape: [o.maxLength], name: MASK_INPUT });
  const embedding = tf.layers.embedding({
    name: EMBEDDING_LAYER,
    inputDim: o.vocabularySize,
    outputDim: o.dims,
    embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: o.seed }),
    embeddingsRegularizer:
      o.initial && o.anchorPenalty ? (new L2SP(o.initial, o.anchorPenalty) as unknown as Regularizer) : undefined,
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
  const model = tf.model({ inputs: [ids, mask], outputs: dense.apply(pooled) as tf.SymbolicTensor });
  if (o.initial) embedding.setWeights([o.initial]);
  return model;
}
