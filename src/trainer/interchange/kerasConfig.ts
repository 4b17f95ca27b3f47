// Keras model config (Keras 3's config.json, or the model_config of a legacy .h5) → a TF.js LayersModel
// topology with the same layer names, by the meaning of each layer (kerasLayer.ts), not its class name.
import { LIMITS } from '../../shared/limits';
import {
  ConversionError,
  convertLayer,
  layerName,
  parseNode,
  type Json,
  type KerasLayerJson,
  type TensorRef,
  type TfjsLayerJson,
} from './kerasLayer';

/** The TF.js `model_config` of the converted model. */
export interface TfjsModelConfig {
  class_name: 'Functional';
  config: {
    name: string;
    layers: TfjsLayerJson[];
    input_layers: [string, number, number][];
    output_layers: [string, number, number][];
  };
}

export function convertModelConfig(raw: unknown): TfjsModelConfig {
  const model = raw as KerasLayerJson;
  if (!model || typeof model !== 'object' || typeof model.class_name !== 'string' || !model.config) {
    throw new ConversionError('the model config is not a Keras model (no class_name/config)');
  }
  if (model.class_name === 'Sequential') return fromFunctional(sequentialAsFunctional(model));
  if (!MODEL_CLASSES.has(model.class_name)) {
    throw new ConversionError(
      `the top-level model is a ${model.class_name}; only Functional and Sequential models can be imported`,
    );
  }
  return fromFunctional(model);
}

const MODEL_CLASSES = new Set(['Functional', 'Model', 'Sequential']);

function fromFunctional(model: KerasLayerJson): TfjsModelConfig {
  const layers = model.config.layers as KerasLayerJson[] | undefined;
  if (!Array.isArray(layers)) throw new ConversionError('the model config has no layers list');
  checkLayerCount(layers.length);
  const out: TfjsLayerJson[] = [];
  // A model used as a layer (a keras.applications base inside the user's model) is spliced in: its layers
  // join ours under their own names, and references to it become references to its output layer.
  const nestedOutputs = new Map<string, TensorRef>();
  for (const layer of layers) {
    if (MODEL_CLASSES.has(layer.class_name)) spliceNested(layer, out, nestedOutputs);
    else out.push(convertLayer(layer));
  }
  const remap = (ref: TensorRef): TensorRef => nestedOutputs.get(ref[0]) ?? ref;
  for (const l of out) l.inbound_nodes = l.inbound_nodes.map((node) => node.map(remap));
  const names = new Set<string>();
  for (const l of out) {
    if (names.has(l.name))
      throw new ConversionError(`two layers are named "${l.name}" once nested models are unpacked`);
    names.add(l.name);
  }
  checkLayerCount(out.length);
  return {
    class_name: 'Functional',
    config: {
      name: String(model.config.name ?? 'model'),
      layers: out,
      input_layers: endpoints(model.config.input_layers),
      output_layers: endpoints(model.config.output_layers).map(
        (e) => remap([...e, {}]).slice(0, 3) as [string, number, number],
      ),
    },
  };
}

function spliceNested(layer: KerasLayerJson, out: TfjsLayerJson[], nestedOutputs: Map<string, TensorRef>): void {
  const name = layerName(layer);
  const inner = convertModelConfig(layer);
  const nodes = (layer.inbound_nodes ?? []).map((n) => parseNode(n, name));
  const inputs = inner.config.input_layers;
  if (nodes.length !== 1 || nodes[0].tensors.length !== inputs.length || inner.config.output_layers.length !== 1) {
    throw new ConversionError(`the nested model "${name}" is used more than once or has several inputs or outputs`);
  }
  const fed = new Map(inputs.map((e, i) => [e[0], nodes[0].tensors[i]]));
  for (const l of inner.config.layers) {
    if (fed.has(l.name)) continue;
    out.push({ ...l, inbound_nodes: l.inbound_nodes.map((node) => node.map((ref) => fed.get(ref[0]) ?? ref)) });
  }
  const [outName, node, index] = inner.config.output_layers[0];
  nestedOutputs.set(name, [outName, node, index, {}]);
}

/** A Sequential model is a chain: each layer takes the previous one's output. */
function sequentialAsFunctional(model: KerasLayerJson): KerasLayerJson {
  const layers = (model.config.layers as KerasLayerJson[] | undefined) ?? [];
  checkLayerCount(layers.length);
  const chain: KerasLayerJson[] = [];
  if (layers[0]?.class_name !== 'InputLayer') {
    const shape = (model.config.build_input_shape ??
      layers[0]?.config.batch_input_shape ??
      layers[0]?.config.batch_shape ??
      (layers[0]?.build_config as Json | undefined)?.input_shape) as unknown;
    if (!Array.isArray(shape)) throw new ConversionError('the Sequential model does not state its input shape');
    chain.push({
      class_name: 'InputLayer',
      config: { name: `${String(model.config.name ?? 'sequential')}_input`, batch_shape: shape },
    });
  }
  chain.push(...layers);
  const tensor = (from: KerasLayerJson) => ({
    class_name: '__keras_tensor__',
    config: { keras_history: [layerName(from), 0, 0] },
  });
  const linked = chain.map((l, i) => ({
    ...l,
    name: layerName(l),
    inbound_nodes: i === 0 ? [] : [{ args: [tensor(chain[i - 1])], kwargs: {} }],
  }));
  const last = layerName(chain[chain.length - 1]);
  return {
    class_name: 'Functional',
    config: {
      name: model.config.name ?? 'sequential',
      layers: linked,
      input_layers: [[layerName(chain[0]), 0, 0]],
      output_layers: [[last, 0, 0]],
    },
  };
}

function endpoints(value: unknown): [string, number, number][] {
  if (!Array.isArray(value)) throw new ConversionError('the model config lacks input_layers/output_layers');
  // A single endpoint may be written flat: ["name", 0, 0].
  const list = typeof value[0] === 'string' ? [value] : value;
  return list.map((e) => {
    if (!Array.isArray(e) || typeof e[0] !== 'string')
      throw new ConversionError('malformed input_layers/output_layers');
    return [e[0], Number(e[1] ?? 0), Number(e[2] ?? 0)];
  });
}

/** Every size read from a file is bounded: a config may list, or unpack to, at most maxModelLayers layers. */
function checkLayerCount(layers: number): void {
  if (layers > LIMITS.maxModelLayers)
    throw new ConversionError(`it has ${layers} layers, more than the limit maxModelLayers = ${LIMITS.maxModelLayers}`);
}
