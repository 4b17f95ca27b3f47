// A run's TF.js topology translated into a Keras 3 `config.json` (the format keras/src/saving/
// serialization_lib.py writes: module / class_name / config / registered_name per object, and
// dict-style inbound_nodes whose args are serialized KerasTensors with a keras_history).
//
// Translation is by meaning, through the shared class table (interchange/kerasClasses.ts):
// - the model takes raw 0–255 pixels: a new InputLayer `image` feeds a Rescaling layer with the run's
//   scaling, which replaces the run's own input layer;
// - TF.js's `hard_sigmoid` (clip(0.2x + 0.5, 0, 1)) is not Keras 3's (relu6(x + 3) / 6): it becomes a
//   Rescaling(0.2, 0.5) and a ReLU(max_value=1) after the layer; an average pooling with uneven `same`
//   padding is written so Keras' torch backend computes it as TF does (kerasExpansions.ts);
// - every BatchNormalization is written trainable: false. The engine runs the base's BatchNorm layers in
//   inference mode always (transferModel.ts), and in Keras 3 only a non-trainable BatchNorm does that when
//   the model trains (a `training=False` call argument is overridden by Functional.call).
import { EngineError } from '../../shared/engineError';
import { pixelScale } from '../../shared/pixelScale';
import {
  ACTIVATION_LAYER_CLASS,
  KERAS_LAYER_CLASSES,
  SCALAR_OP_CLASS,
  TFJS_ACTIVATIONS,
  kerasClassOf,
} from '../interchange/kerasClasses';
import type { ExportGraph, GraphLayer } from './exportGraph';
import { exactSameAveragePooling, hardSigmoidAfter, unevenSamePadding } from './kerasExpansions';
import { FIXED, functionalJson, KerasGraph, type KerasLayer, type Shape } from './kerasGraph';

/** A TF.js class the shared table lists under another TF.js name, with the Keras class it exports as. */
const NATIVE_TFJS_CLASSES: Readonly<Record<string, string>> = {
  // TF.js's own global pooling (no keepdims) is Keras' with keepdims false, its default.
  GlobalAveragePooling2D: 'GlobalAveragePooling2D',
  GlobalMaxPooling2D: 'GlobalMaxPooling2D',
};

export interface KerasModelConfig {
  /** config.json's content. */
  json: Record<string, unknown>;
  layers: KerasLayer[];
  inputName: string;
  outputName: string;
  /** BatchNormalization layers written non-trainable although the run trained them (see above). */
  inferenceOnlyBatchNorms: string[];
}

/** Our scalar-op layer's `op` → the keras.ops.numpy class that computes it. */
const SCALAR_OPS: Readonly<Record<string, string>> = {
  add: 'Add',
  subtract: 'Subtract',
  multiply: 'Multiply',
  divide: 'Divide',
};

const pair = (v: unknown) => (Array.isArray(v) ? (v as number[]) : [v as number, v as number]);

export function kerasModelConfig(graph: ExportGraph): KerasModelConfig {
  const g = new KerasGraph(graph.layers.map((l) => l.name));
  const { size, channels } = graph.preprocessing;
  const inputShape: Shape = [null, size[0], size[1], channels];
  const inputName = g.unique('image');
  g.layer('InputLayer', { batch_shape: inputShape, dtype: 'float32', sparse: false, name: inputName }, [], inputShape);
  const { multiply, add } = pixelScale(graph.preprocessing.scale);
  const scaling = { name: g.unique('preprocessing'), ...FIXED, scale: multiply, offset: add };
  g.redirect(graph.inputLayer, g.layer('Rescaling', scaling, [inputName], inputShape));
  const inferenceOnlyBatchNorms: string[] = [];

  for (const layer of graph.layers) {
    if (layer.name === graph.inputLayer) continue;
    if (layer.className === 'InputLayer') {
      throw new EngineError(`Layer "${layer.name}" is a second input; export needs one.`);
    }
    const parents = layer.inbound.map(([name]) => g.ref(name));
    if (layer.className === SCALAR_OP_CLASS) {
      // A Keras `x + 3.0` read back by the import: the same keras.ops node again.
      const op = SCALAR_OPS[String(layer.config.op)];
      if (!op) throw new EngineError(`Layer "${layer.name}" applies the unknown operation ${String(layer.config.op)}.`);
      g.numpyOp(op, layer.name, parents, layer.outputShape, [Number(layer.config.value)]);
      continue;
    }
    const kerasClass = kerasClassFor(layer);
    const config: Record<string, unknown> & { name: string } = {
      ...carriedConfig(layer, kerasClass),
      name: layer.name,
    };
    if (kerasClass === 'BatchNormalization') {
      if (config.trainable) inferenceOnlyBatchNorms.push(layer.name);
      config.trainable = false;
    }
    if (kerasClass === 'AveragePooling2D' && config.padding === 'same') {
      const pool = pair(config.pool_size);
      const strides = config.strides ? pair(config.strides) : pool;
      if (unevenSamePadding(g.shape(parents[0]), pool, strides)) {
        g.redirect(layer.name, exactSameAveragePooling(g, layer.name, parents[0], pool, strides, layer.outputShape));
        continue;
      }
    }
    // Our KerasActivation layer holds a Keras 3 activation name already.
    const activation =
      typeof config.activation === 'string' && layer.className !== ACTIVATION_LAYER_CLASS
        ? config.activation
        : undefined;
    if (activation !== undefined)
      config.activation = activation === 'hard_sigmoid' ? 'linear' : kerasActivation(layer, activation);
    g.layer(kerasClass, config, parents, layer.outputShape, layer);
    if (activation === 'hard_sigmoid') g.redirect(layer.name, hardSigmoidAfter(g, layer.name, layer.outputShape));
  }
  const outputName = g.ref(graph.outputLayer);
  const json = functionalJson(g, inputName, outputName);
  return { json, layers: g.layers, inputName, outputName, inferenceOnlyBatchNorms };
}

function kerasClassFor(layer: GraphLayer): string {
  const direct = NATIVE_TFJS_CLASSES[layer.className] ?? kerasClassOf(layer.className);
  if (!direct || !(direct in KERAS_LAYER_CLASSES)) {
    throw new EngineError(`Layer "${layer.name}" (${layer.className}) cannot be exported to Keras yet.`);
  }
  return direct;
}

/** The keys with one meaning on both sides, plus name, trainable and dtype. */
function carriedConfig(layer: GraphLayer, kerasClass: string): Record<string, unknown> {
  const config: Record<string, unknown> = {
    name: layer.name,
    trainable: layer.config.trainable !== false,
    dtype: 'float32',
  };
  for (const key of KERAS_LAYER_CLASSES[kerasClass].keys) {
    if (key in layer.config) config[key] = layer.config[key];
  }
  return config;
}

function kerasActivation(layer: GraphLayer, tfjs: string): string {
  const keras = TFJS_ACTIVATIONS[tfjs];
  if (!keras)
    throw new EngineError(`Layer "${layer.name}" uses the activation "${tfjs}", which has no Keras 3 equivalent.`);
  return keras;
}
