// A finished run read into the one form both exporters (Keras, ONNX) translate from: its layers in the
// order of the TF.js topology, each with its pythonic config, its inbound layers, its output shape and its
// weights as float32 (quantized bases are dequantized by TF.js on load), plus how to feed the model.
import path from 'node:path';
import type { Preprocessing } from '../../shared/engineTypes';
import { EngineError } from '../../shared/engineError';
import { GRAPH_LAYER_CLASS } from '../interchange/graphBase';
import { loadLayersModelFromFile } from '../models/modelFiles';
import { readArtifacts } from '../models/modelArtifacts';
import * as tf from '../tf';
import { readRunInfo } from '../../io/runFiles';
import { imagePreprocessing, type ImageInput } from '../../shared/inputSpec';

/** One weight of a layer, named as Keras and TF.js name it (`kernel`, `moving_mean`, …). */
export interface GraphWeight {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** A reference to another layer's output: [layer name, node index, tensor index]. */
export type InboundRef = [string, number, number];

export interface GraphLayer {
  name: string;
  /** TF.js class name as model.json has it. */
  className: string;
  /** The layer's config in pythonic spelling (snake_case keys and values), as model.json has it. */
  config: Record<string, unknown>;
  inbound: InboundRef[];
  /** Output shape with the batch dimension first (null). */
  outputShape: (number | null)[];
  weights: GraphWeight[];
}

export interface ExportGraph {
  runDir: string;
  /** Layers from input to output, each after the layers it reads. */
  layers: GraphLayer[];
  inputLayer: string;
  outputLayer: string;
  /** The run's input (image: how the exported model scales pixels itself). */
  input: ImageInput;
  preprocessing: Preprocessing;
  classes: string[];
  title: string;
}

export interface TopologyLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, unknown][][];
}

interface Topology {
  class_name: string;
  config: { layers: TopologyLayer[]; input_layers: InboundRef[]; output_layers: InboundRef[] };
}

/** Reads a finished run's model.json and run.json; the caller owns nothing (weights are copied out). */
export async function readExportGraph(runDir: string): Promise<ExportGraph> {
  const info = readRunInfo(runDir);
  if (info.status !== 'finished') {
    throw new EngineError(
      `Run ${runDir} did not finish (status: ${info.status}); only a finished run can be exported.`,
    );
  }
  const input = info.input;
  if (input.kind !== 'image')
    throw new EngineError(`Run ${runDir} takes ${input.kind}: only image runs can be exported so far.`);
  const modelJson = path.join(runDir, 'model.json');
  const topology = readArtifacts(modelJson).modelTopology as unknown as { model_config?: Topology } & Topology;
  const top = topology.model_config ?? topology;
  if (!Array.isArray(top.config?.layers) || !Array.isArray(top.config.input_layers)) {
    throw new EngineError(
      `${modelJson} is not a functional model (a Sequential or nested one): export needs a functional graph.`,
    );
  }
  const graphBase = top.config.layers.find((l) => l.class_name === GRAPH_LAYER_CLASS);
  if (graphBase) {
    const hex = (graphBase.config as { model_json_hex?: string }).model_json_hex;
    const graph = hex ? Buffer.from(hex, 'hex').toString('utf8') : undefined;
    throw new EngineError(
      `Run ${runDir} is built on a TensorFlow.js graph model${graph ? ` (${graph})` : ''}: exporting such a run is not supported yet.`,
    );
  }
  const { input_layers: inputs, output_layers: outputs } = top.config;
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new EngineError(
      `${modelJson} has ${inputs.length} inputs and ${outputs.length} outputs; export needs one of each.`,
    );
  }
  const model = await loadLayersModelFromFile(modelJson);
  try {
    const layers = top.config.layers.map((l) => graphLayer(l, model.getLayer(l.name), modelJson));
    return {
      runDir,
      layers,
      inputLayer: inputs[0][0],
      outputLayer: outputs[0][0],
      input,
      preprocessing: imagePreprocessing(input),
      classes: info.classes,
      title: info.title ?? path.basename(runDir),
    };
  } finally {
    model.dispose();
  }
}

/** One layer of a topology in the exporters' form (the frozen-part runtime converts in-memory models too). */
export function graphLayer(l: TopologyLayer, layer: tf.layers.Layer, modelJson: string): GraphLayer {
  if (l.inbound_nodes.length > 1) {
    throw new EngineError(
      `Layer "${l.name}" of ${modelJson} is applied ${l.inbound_nodes.length} times (a shared layer); export supports layers applied once.`,
    );
  }
  const inbound = (l.inbound_nodes[0] ?? []).map(([name, node, tensor]) => [name, node, tensor] as InboundRef);
  const names = layer.weights.map((w) => shortWeightName(w.originalName ?? w.name));
  const values = layer.getWeights();
  const weights = values.map((t, i) => ({
    name: names[i],
    shape: t.shape.slice(),
    values: Float32Array.from(t.dataSync()),
  }));
  return {
    name: l.name,
    className: l.class_name,
    config: l.config,
    inbound,
    outputShape: layer.outputShape as (number | null)[],
    weights,
  };
}

/** `block_1/depthwise_kernel` → `depthwise_kernel`; TF.js may suffix a duplicate variable name with `_1`. */
function shortWeightName(full: string): string {
  const last = full.split('/').pop() ?? full;
  return last.replace(/_\d+$/, (m) =>
    /^(kernel|bias|gamma|beta|moving_mean|moving_variance)$/.test(last.slice(0, -m.length)) ? '' : m,
  );
}

/** The weight named `name`, or an error naming the layer when the model lacks it. */
export function weightOf(layer: GraphLayer, name: string): GraphWeight {
  const w = layer.weights.find((x) => x.name === name);
  if (!w) throw new EngineError(`Layer "${layer.name}" (${layer.className}) has no weight "${name}".`);
  return w;
}

/** The weight named `name`, or undefined (a bias when use_bias is false). */
export function optionalWeight(layer: GraphLayer, name: string): GraphWeight | undefined {
  return layer.weights.find((x) => x.name === name);
}
