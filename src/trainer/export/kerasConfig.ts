// A run's TF.js topology translated into a Keras 3 `config.json` (the format keras/src/saving/
// serialization_lib.py writes: module / class_name / config / registered_name per object, and
// dict-style inbound_nodes whose args are serialized KerasTensors with a keras_history).
//
// Translation is by meaning, through the shared class table (interchange/kerasClasses.ts):
// - the model takes raw 0–255 pixels: a new InputLayer `image` feeds a Rescaling layer with the run's
//   scaling, which replaces the run's own input layer;
// - TF.js's `hard_sigmoid` (clip(0.2x + 0.5, 0, 1)) is not Keras 3's (relu6(x + 3) / 6): it becomes a
//   Rescaling(0.2, 0.5) and a ReLU(max_value=1) after the layer;
// - every BatchNormalization is written trainable: false. The engine runs the base's BatchNorm layers in
//   inference mode always (transferModel.ts), and in Keras 3 only a non-trainable BatchNorm does that when
//   the model trains (a `training=False` call argument is overridden by Functional.call).
import { EngineError } from '../engineError';
import { pixelScale } from '../../shared/pixelScale';
import { KERAS_LAYER_CLASSES, TFJS_ACTIVATIONS, kerasClassOf } from '../interchange/kerasClasses';
import type { ExportGraph, GraphLayer, InboundRef } from './exportGraph';

/** A TF.js class the shared table lists under another TF.js name, with the Keras class it exports as. */
const NATIVE_TFJS_CLASSES: Readonly<Record<string, string>> = {
  // TF.js's own global pooling (no keepdims) is Keras' with keepdims false, its default.
  GlobalAveragePooling2D: 'GlobalAveragePooling2D',
  GlobalMaxPooling2D: 'GlobalMaxPooling2D',
};

/** Keras merge layers: called on a list of tensors. */
const MERGE_CLASSES = new Set(['Add', 'Multiply', 'Concatenate', 'Average', 'Maximum', 'Minimum', 'Subtract']);

/** One layer of the Keras model, with what the weights file needs to know about it. */
export interface KerasLayer {
  name: string;
  kerasClass: string;
  /** The serialized layer as it goes into config.json's `layers`. */
  json: Record<string, unknown>;
  /** Names of the layers it reads, in argument order. */
  parents: string[];
  /** Source of its weights in the run (same layer name) or none. */
  source?: GraphLayer;
}

export interface KerasModelConfig {
  /** config.json's content. */
  json: Record<string, unknown>;
  layers: KerasLayer[];
  inputName: string;
  outputName: string;
  /** BatchNormalization layers written non-trainable although the run trained them (see above). */
  inferenceOnlyBatchNorms: string[];
}

type Shape = (number | null)[];

export function kerasModelConfig(graph: ExportGraph): KerasModelConfig {
  const taken = new Set(graph.layers.map((l) => l.name));
  const unique = (want: string) => {
    let name = want;
    for (let i = 2; taken.has(name); i++) name = `${want}_${i}`;
    taken.add(name);
    return name;
  };
  const layers: KerasLayer[] = [];
  const shapes = new Map<string, Shape>();
  /** A run layer whose output now comes from another Keras layer (input → scaling, activation split). */
  const alias = new Map<string, string>();
  const ref = (name: string) => alias.get(name) ?? name;
  const { size, channels } = graph.preprocessing;
  const inputShape: Shape = [null, size[0], size[1], channels];
  const inputName = unique('image');
  const scaleName = unique('preprocessing');
  const { multiply, add } = pixelScale(graph.preprocessing.scale);
  const push = (layer: Omit<KerasLayer, 'json'>, config: Record<string, unknown>, shape: Shape, args: unknown[]) => {
    shapes.set(layer.name, shape);
    layers.push({ ...layer, json: layerJson(layer.kerasClass, layer.name, config, args) });
  };
  push(
    { name: inputName, kerasClass: 'InputLayer', parents: [] },
    { batch_shape: inputShape, dtype: 'float32', sparse: false, name: inputName },
    inputShape,
    [],
  );
  push(
    { name: scaleName, kerasClass: 'Rescaling', parents: [inputName] },
    { name: scaleName, trainable: false, dtype: 'float32', scale: multiply, offset: add },
    inputShape,
    [tensorRef(inputName, inputShape)],
  );
  alias.set(graph.inputLayer, scaleName);
  const inferenceOnlyBatchNorms: string[] = [];

  for (const layer of graph.layers) {
    if (layer.name === graph.inputLayer) continue;
    if (layer.className === 'InputLayer')
      throw new EngineError(`Layer "${layer.name}" is a second input; export needs one.`);
    const kerasClass = kerasClassFor(layer);
    const parents = layer.inbound.map(([name]) => ref(name));
    const tensors = parents.map((p) => tensorRef(p, shapes.get(p)!));
    const args = MERGE_CLASSES.has(kerasClass) ? [tensors] : tensors;
    const config = carriedConfig(layer, kerasClass);
    if (kerasClass === 'BatchNormalization' && config.trainable) inferenceOnlyBatchNorms.push(layer.name);
    if (kerasClass === 'BatchNormalization') config.trainable = false;
    const activation = typeof config.activation === 'string' ? config.activation : undefined;
    if (activation === 'hard_sigmoid') config.activation = 'linear';
    else if (activation !== undefined) config.activation = kerasActivation(layer, activation);
    push({ name: layer.name, kerasClass, parents, source: layer }, config, layer.outputShape, args);
    if (activation === 'hard_sigmoid') {
      // clip(0.2x + 0.5, 0, 1) as Keras layers; the run layer's readers read the last of them.
      const affine = unique(`${layer.name}_hard_sigmoid_affine`);
      const clip = unique(`${layer.name}_hard_sigmoid_clip`);
      const common = { trainable: false, dtype: 'float32' };
      push(
        { name: affine, kerasClass: 'Rescaling', parents: [layer.name] },
        { name: affine, ...common, scale: 0.2, offset: 0.5 },
        layer.outputShape,
        [tensorRef(layer.name, layer.outputShape)],
      );
      push(
        { name: clip, kerasClass: 'ReLU', parents: [affine] },
        { name: clip, ...common, max_value: 1 },
        layer.outputShape,
        [tensorRef(affine, layer.outputShape)],
      );
      alias.set(layer.name, clip);
    }
  }
  const outputName = ref(graph.outputLayer);
  const json = {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: 'transfer_studio',
      trainable: true,
      layers: layers.map((l) => l.json),
      input_layers: [inputName, 0, 0],
      output_layers: [outputName, 0, 0],
    },
    registered_name: 'Functional',
    build_config: { input_shape: null },
  };
  return { json, layers, inputName, outputName, inferenceOnlyBatchNorms };
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

/** A serialized KerasTensor: the output of `layer` (node 0, tensor 0). */
function tensorRef(layer: string, shape: Shape): Record<string, unknown> {
  const history: InboundRef = [layer, 0, 0];
  return { class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: history } };
}

function layerJson(
  kerasClass: string,
  name: string,
  config: Record<string, unknown>,
  args: unknown[],
): Record<string, unknown> {
  return {
    module: 'keras.layers',
    class_name: kerasClass,
    config,
    registered_name: null,
    name,
    inbound_nodes: kerasClass === 'InputLayer' ? [] : [{ args, kwargs: {} }],
  };
}
