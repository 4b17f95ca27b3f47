// One layer of a Keras model config → the TF.js layer with the same meaning (kerasClasses.ts), and the Keras
// JSON types the model-level conversion (kerasConfig.ts) shares. A layer we cannot convert says why.
import {
  ACTIVATION_LAYER_CLASS,
  KERAS_ACTIVATIONS,
  KERAS_LAYER_CLASSES,
  KERAS_SCALAR_OPS,
  SCALAR_OP_CLASS,
} from './kerasClasses';

export type Json = Record<string, unknown>;
/** One inbound tensor in TF.js' (Keras 2) form: [layer, node index, tensor index, kwargs]. */
export type TensorRef = [string, number, number, Json];

/** A TF.js topology layer (pythonic keys, as in model.json). */
export interface TfjsLayerJson {
  class_name: string;
  name: string;
  config: Json;
  inbound_nodes: TensorRef[][];
}

/** Thrown for a model we cannot convert; the caller prefixes the file name. */
export class ConversionError extends Error {}

export interface KerasLayerJson {
  module?: string;
  class_name: string;
  name?: string;
  config: Json;
  inbound_nodes?: unknown[];
  build_config?: unknown;
}

/** What one inbound node of a Keras 3 layer holds: its tensors and any plain numbers, in order. */
export interface NodeArgs {
  tensors: TensorRef[];
  /** Positions of numbers among the call's positional arguments. */
  numbers: { index: number; value: number }[];
  /** True when the first argument is a list of tensors (how merge layers are called). */
  listCall: boolean;
}

export function layerName(layer: KerasLayerJson): string {
  const name = layer.name ?? layer.config?.name;
  if (typeof name !== 'string' || !name) throw new ConversionError(`a ${layer.class_name} layer has no name`);
  return name;
}

export function convertLayer(layer: KerasLayerJson): TfjsLayerJson {
  const name = layerName(layer);
  const nodes = (layer.inbound_nodes ?? []).map((n) => parseNode(n, name));
  const what = `layer "${name}" (${layer.class_name})`;
  try {
    const { class_name, config } = convertClass(layer, nodes);
    return { class_name, name, config: { ...config, name }, inbound_nodes: nodes.map((n) => n.tensors) };
  } catch (e) {
    if (e instanceof ConversionError) throw new ConversionError(`${what} cannot be converted: ${e.message}`);
    throw e;
  }
}

export function parseNode(node: unknown, layer: string): NodeArgs {
  // Keras 2 / TF.js: a list of [layer, node, tensor, kwargs].
  if (Array.isArray(node)) {
    return {
      tensors: node.map((r) => {
        const ref = r as unknown[];
        return [String(ref[0]), Number(ref[1]), Number(ref[2]), {}];
      }),
      numbers: [],
      listCall: node.length > 1,
    };
  }
  // Keras 3: { args: [...], kwargs: {...} }, each tensor a __keras_tensor__ with its keras_history.
  const args = (node as { args?: unknown[] })?.args;
  if (!Array.isArray(args)) throw new ConversionError(`layer "${layer}" has an inbound node without args`);
  const result: NodeArgs = { tensors: [], numbers: [], listCall: Array.isArray(args[0]) };
  args.forEach((arg, index) => {
    if (typeof arg === 'number') result.numbers.push({ index, value: arg });
    else collectTensors(arg, result.tensors, layer);
  });
  return result;
}

function collectTensors(value: unknown, out: TensorRef[], layer: string): void {
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, out, layer);
    return;
  }
  const t = value as { class_name?: string; config?: { keras_history?: unknown[] } };
  if (t?.class_name !== '__keras_tensor__') {
    throw new ConversionError(`layer "${layer}" is called with an argument that is neither a tensor nor a number`);
  }
  const h = t.config?.keras_history;
  if (!Array.isArray(h) || typeof h[0] !== 'string')
    throw new ConversionError(`layer "${layer}" has a tensor without keras_history`);
  out.push([h[0], Number(h[1]), Number(h[2]), {}]);
}

function convertClass(layer: KerasLayerJson, nodes: NodeArgs[]): { class_name: string; config: Json } {
  const cls = layer.class_name;
  const scalarNode = nodes.find((n) => n.numbers.length > 0);
  const isOp = layer.module?.startsWith('keras.src.ops') || (scalarNode !== undefined && !scalarNode.listCall);
  if (isOp) return convertOp(cls, nodes);
  const entry = KERAS_LAYER_CLASSES[cls];
  if (!entry)
    throw new ConversionError(
      'TensorFlow.js has no layer with its meaning and Transfer Studio has no replacement for it',
    );
  const src = layer.config;
  const config: Json = { trainable: src.trainable ?? true, dtype: 'float32' };
  for (const key of entry.keys) if (key in src && src[key] !== null) config[key] = src[key];
  if (cls === 'InputLayer') return inputLayer(src);
  if (cls === 'Activation') return activationLayer(String(src.activation));
  if ('activation' in config) config.activation = plainActivation(String(config.activation));
  if (cls === 'ReLU') reluChecks(src);
  if (cls === 'Conv2D' && src.groups !== undefined && src.groups !== 1)
    throw new ConversionError(`groups=${String(src.groups)} (TensorFlow.js convolutions have no groups)`);
  if (cls === 'BatchNormalization' && Array.isArray(config.axis)) config.axis = singleAxis(config.axis);
  if (cls === 'Normalization') normalizationChecks(src);
  // TF.js' Rescaling multiplies by whatever it is given, so per-channel lists (EfficientNet) broadcast too.
  if (cls === 'Rescaling' && (!numberOrList(src.scale) || !numberOrList(src.offset ?? 0))) {
    throw new ConversionError('scale and offset must be numbers or flat lists of numbers');
  }
  return { class_name: entry.tfjs, config };
}

function inputLayer(src: Json): { class_name: string; config: Json } {
  const shape = src.batch_shape ?? src.batch_input_shape;
  if (!Array.isArray(shape)) throw new ConversionError('no batch_shape');
  return { class_name: 'InputLayer', config: { batch_input_shape: shape, dtype: 'float32', sparse: false } };
}

function activationLayer(name: string): { class_name: string; config: Json } {
  if (!(name in KERAS_ACTIVATIONS)) throw new ConversionError(`unknown activation "${name}"`);
  const tfjs = KERAS_ACTIVATIONS[name];
  if (tfjs === null)
    return { class_name: ACTIVATION_LAYER_CLASS, config: { activation: name, trainable: true, dtype: 'float32' } };
  return { class_name: 'Activation', config: { activation: tfjs, trainable: true, dtype: 'float32' } };
}

/** An activation inside a Dense/Conv layer must exist in TF.js with the same formula. */
function plainActivation(name: string): string {
  const tfjs = KERAS_ACTIVATIONS[name];
  if (tfjs === undefined) throw new ConversionError(`unknown activation "${name}"`);
  if (tfjs === null)
    throw new ConversionError(`its activation "${name}" has no TensorFlow.js equivalent inside this layer`);
  return tfjs;
}

function reluChecks(src: Json): void {
  if (Number(src.negative_slope ?? 0) !== 0)
    throw new ConversionError('negative_slope ≠ 0 (TensorFlow.js ReLU has none)');
  if (Number(src.threshold ?? 0) !== 0) throw new ConversionError('threshold ≠ 0 (TensorFlow.js ReLU has none)');
}

function normalizationChecks(src: Json): void {
  if (src.invert) throw new ConversionError('invert=True');
  if (src.mean !== null && src.mean !== undefined)
    throw new ConversionError('mean/variance given in the config instead of adapted');
}

function numberOrList(v: unknown): boolean {
  return typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'number'));
}

function singleAxis(axis: unknown[]): number {
  if (axis.length !== 1) throw new ConversionError(`normalizes over ${axis.length} axes`);
  return Number(axis[0]);
}

/** `x + 3.0` and friends: one tensor and one number; two tensors make the matching merge layer. */
function convertOp(cls: string, nodes: NodeArgs[]): { class_name: string; config: Json } {
  const op = KERAS_SCALAR_OPS[cls];
  if (!op) throw new ConversionError('it is a Keras operation without a TensorFlow.js counterpart');
  if (nodes.length !== 1) throw new ConversionError('an operation used more than once');
  const [node] = nodes;
  if (node.tensors.length === 2 && node.numbers.length === 0 && (op === 'add' || op === 'multiply')) {
    return { class_name: op === 'add' ? 'Add' : 'Multiply', config: { trainable: true, dtype: 'float32' } };
  }
  if (node.tensors.length !== 1 || node.numbers.length !== 1)
    throw new ConversionError('only a tensor and one number are supported');
  const number = node.numbers[0];
  // 3 - x and 1 / x are not x - 3 and x / 1.
  if (number.index === 0 && (op === 'subtract' || op === 'divide'))
    throw new ConversionError('a number on the left of - or /');
  return { class_name: SCALAR_OP_CLASS, config: { op, value: number.value, trainable: true, dtype: 'float32' } };
}
