// The one table of how Keras 3 layer classes and activations correspond to TensorFlow.js ones. Import
// (Keras file → TF.js) and export (TF.js → .keras) both read it, so a correspondence is stated once.
//
// Keys are in Keras' pythonic spelling (snake_case), as they appear in a Keras config and in a TF.js
// model.json topology alike; TF.js camel-cases them itself when it deserializes.

/** How one Keras layer class maps onto a TF.js layer class. */
export interface LayerCorrespondence {
  /** Class name in a TF.js topology; one of ours (see CUSTOM_LAYER_CLASSES) when TF.js lacks the layer. */
  tfjs: string;
  /**
   * Weights in the order Keras stores them (`vars/0`, `vars/1`, … in `.keras`; `weight_names` in `.h5`),
   * which is also the order the TF.js layer creates them. Names marked `?` exist only when the config
   * asks for them (`use_bias`, `center`, `scale`).
   */
  weights: readonly string[];
  /** Config keys carried over unchanged (same meaning on both sides); every other key is dropped. */
  keys: readonly string[];
}

const CONV_KEYS = [
  'filters',
  'kernel_size',
  'strides',
  'padding',
  'data_format',
  'dilation_rate',
  'activation',
  'use_bias',
];
const POOL_KEYS = ['pool_size', 'strides', 'padding', 'data_format'];

/**
 * Keras 3 layer class (module `keras.layers`) → TF.js. Initializers, regularizers and constraints are not
 * carried: an imported base always comes with its trained weights, and fine-tuning uses our own recipe.
 */
export const KERAS_LAYER_CLASSES: Readonly<Record<string, LayerCorrespondence>> = {
  InputLayer: { tfjs: 'InputLayer', weights: [], keys: ['batch_shape', 'dtype', 'sparse'] },
  Dense: { tfjs: 'Dense', weights: ['kernel', 'bias?'], keys: ['units', 'activation', 'use_bias'] },
  Conv2D: { tfjs: 'Conv2D', weights: ['kernel', 'bias?'], keys: CONV_KEYS },
  Embedding: { tfjs: 'Embedding', weights: ['embeddings'], keys: ['input_dim', 'output_dim', 'mask_zero'] },
  DepthwiseConv2D: {
    tfjs: 'DepthwiseConv2D',
    weights: ['depthwise_kernel', 'bias?'],
    keys: [
      'kernel_size',
      'strides',
      'padding',
      'data_format',
      'dilation_rate',
      'depth_multiplier',
      'activation',
      'use_bias',
    ],
  },
  SeparableConv2D: {
    tfjs: 'SeparableConv2D',
    weights: ['depthwise_kernel', 'pointwise_kernel', 'bias?'],
    keys: [...CONV_KEYS, 'depth_multiplier'],
  },
  BatchNormalization: {
    tfjs: 'BatchNormalization',
    weights: ['gamma?', 'beta?', 'moving_mean', 'moving_variance'],
    keys: ['axis', 'momentum', 'epsilon', 'center', 'scale'],
  },
  Activation: { tfjs: 'Activation', weights: [], keys: ['activation'] },
  ReLU: { tfjs: 'ReLU', weights: [], keys: ['max_value'] },
  Dropout: { tfjs: 'Dropout', weights: [], keys: ['rate', 'noise_shape', 'seed'] },
  Flatten: { tfjs: 'Flatten', weights: [], keys: ['data_format'] },
  Reshape: { tfjs: 'Reshape', weights: [], keys: ['target_shape'] },
  ZeroPadding2D: { tfjs: 'ZeroPadding2D', weights: [], keys: ['padding', 'data_format'] },
  MaxPooling2D: { tfjs: 'MaxPooling2D', weights: [], keys: POOL_KEYS },
  AveragePooling2D: { tfjs: 'AveragePooling2D', weights: [], keys: POOL_KEYS },
  // TF.js's global pooling has no keepdims: ours does (MobileNetV3 and the EfficientNets need it).
  GlobalAveragePooling2D: { tfjs: 'KerasGlobalAveragePooling2D', weights: [], keys: ['data_format', 'keepdims'] },
  GlobalMaxPooling2D: { tfjs: 'KerasGlobalMaxPooling2D', weights: [], keys: ['data_format', 'keepdims'] },
  Add: { tfjs: 'Add', weights: [], keys: [] },
  Multiply: { tfjs: 'Multiply', weights: [], keys: [] },
  Concatenate: { tfjs: 'Concatenate', weights: [], keys: ['axis'] },
  Average: { tfjs: 'Average', weights: [], keys: [] },
  Maximum: { tfjs: 'Maximum', weights: [], keys: [] },
  Minimum: { tfjs: 'Minimum', weights: [], keys: [] },
  // TF.js has a Rescaling with the same meaning (x * scale + offset).
  Rescaling: { tfjs: 'Rescaling', weights: [], keys: ['scale', 'offset'] },
  // TF.js has no Normalization: ours computes (x - mean) / max(sqrt(variance), 1e-7) like Keras 3.
  Normalization: { tfjs: 'KerasNormalization', weights: ['mean', 'variance', 'count'], keys: ['axis', 'invert'] },
};

/**
 * Operations that Keras 3 records as graph nodes when a model applies plain arithmetic to a tensor
 * (`x + 3.0`, `x * (1 / 6)` in MobileNetV3). Module `keras.src.ops.numpy`; in a legacy `.h5` config the
 * module is absent and the class name clashes with the Add/Multiply layers, so the converter tells them
 * apart by their arguments (a tensor and a number, not a list of tensors).
 */
export const KERAS_SCALAR_OPS: Readonly<Record<string, 'add' | 'subtract' | 'multiply' | 'divide'>> = {
  Add: 'add',
  Subtract: 'subtract',
  Multiply: 'multiply',
  Divide: 'divide',
  TrueDivide: 'divide',
};

/** TF.js class of our layer that applies one scalar op (config: `op`, `value`). */
export const SCALAR_OP_CLASS = 'KerasScalarOp';
/** TF.js class of our activation layer for Keras activations TF.js lacks or defines differently. */
export const ACTIVATION_LAYER_CLASS = 'KerasActivation';

/** Our registered TF.js layer classes and the Keras class each one stands for. */
export const CUSTOM_LAYER_CLASSES: Readonly<Record<string, string>> = {
  KerasGlobalAveragePooling2D: 'GlobalAveragePooling2D',
  KerasGlobalMaxPooling2D: 'GlobalMaxPooling2D',
  KerasNormalization: 'Normalization',
  [SCALAR_OP_CLASS]: 'ops.numpy (scalar)',
  [ACTIVATION_LAYER_CLASS]: 'Activation',
};

/**
 * Keras 3 activation name → the TF.js activation with the same formula, or `null` when TF.js has none
 * with that meaning (then only an Activation layer can carry it, as our KerasActivation).
 * Keras 3's `hard_sigmoid` is relu6(x + 3) / 6; TF.js's `hardSigmoid` is clip(0.2x + 0.5, 0, 1): different.
 */
export const KERAS_ACTIVATIONS: Readonly<Record<string, string | null>> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  softplus: 'softplus',
  softsign: 'softsign',
  elu: 'elu',
  selu: 'selu',
  swish: 'swish',
  silu: 'swish',
  mish: 'mish',
  gelu: 'gelu',
  hard_sigmoid: null,
  hard_silu: null,
  hard_swish: null,
  log_softmax: null,
};

/** Activations our KerasActivation layer computes (Keras 3 formulas), by Keras name. */
export const CUSTOM_ACTIVATIONS = ['hard_sigmoid', 'hard_silu', 'hard_swish', 'log_softmax'] as const;

/** TF.js activation identifier (as it appears in a model.json) → the Keras 3 name with that formula. */
export const TFJS_ACTIVATIONS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(KERAS_ACTIVATIONS)
    .filter((e): e is [string, string] => e[1] !== null && e[0] !== 'silu')
    .map(([keras, tfjs]) => [tfjs, keras]),
);

/** The Keras class a TF.js layer class stands for (its own name for the ones TF.js shares with Keras). */
export function kerasClassOf(tfjsClass: string): string | undefined {
  if (tfjsClass in CUSTOM_LAYER_CLASSES) return CUSTOM_LAYER_CLASSES[tfjsClass];
  return Object.entries(KERAS_LAYER_CLASSES).find(([, c]) => c.tfjs === tfjsClass)?.[0];
}
