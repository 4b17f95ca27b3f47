// A TF.js graph model (model.json with a GraphDef topology, what TF Hub / Kaggle feature-vector models convert
// to) as a frozen feature extractor: wrapped as one weightless layer inside a LayersModel, so the feature
// cache, the head, evaluate and predict work unchanged. The layer refers to the graph model by path and
// content hash; a run saved on such a base keeps that reference beside its head, and loading the run loads
// the graph again (refusing a changed or missing one). The graph's own layers cannot be unfrozen.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadGraphModelSync } from '@tensorflow/tfjs-converter';
import { EngineError } from '../../shared/engineError';
import { readArtifacts } from '../models/modelArtifacts';
import * as tf from '../tf';
import { GRAPH_BASE_NOTE, GRAPH_LAYER_CLASS, GRAPH_LAYER_NAME } from '../../shared/graphBase';

export { GRAPH_BASE_NOTE, GRAPH_LAYER_CLASS, GRAPH_LAYER_NAME };

type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];
type GraphArgs = LayerArgs & {
  modelJson: string;
  sha256: string;
  outputNode: string;
  featureShape: number[];
};
/** The arguments as a saved model.json gives them back. */
type SavedGraphArgs = LayerArgs & {
  modelJsonHex: string;
  outputNodeHex: string;
  sha256: string;
  featureShape: number[];
};
type GraphModel = ReturnType<typeof loadGraphModelSync>;

/** True for a model.json whose topology is a TensorFlow graph rather than Keras layers. */
export function isGraphModelJson(json: { format?: string; modelTopology?: unknown }): boolean {
  return json.format === 'graph-model' || Array.isArray((json.modelTopology as { node?: unknown } | undefined)?.node);
}

/** sha256 of a graph model's model.json and every weights file it lists. */
export function graphModelHash(modelJsonPath: string, artifacts: tf.io.ModelArtifacts): string {
  const hash = createHash('sha256').update(fs.readFileSync(modelJsonPath));
  const data = artifacts.weightData;
  if (data) for (const part of Array.isArray(data) ? data : [data]) hash.update(new Uint8Array(part));
  return hash.digest('hex');
}

export class GraphModelFeatures extends tf.layers.Layer {
  static readonly className = GRAPH_LAYER_CLASS;
  private readonly args: GraphArgs;
  private readonly graph: GraphModel;

  constructor(saved: GraphArgs | SavedGraphArgs, graph?: GraphModel) {
    super({ ...saved, trainable: false });
    const args =
      'modelJsonHex' in saved
        ? { ...saved, modelJson: fromHex(saved.modelJsonHex), outputNode: fromHex(saved.outputNodeHex) }
        : saved;
    this.args = args;
    this.graph = graph ?? loadReferenced(args);
  }
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0], ...this.args.featureShape];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => this.graph.execute(x, this.args.outputNode) as tf.Tensor);
  }
  override getConfig(): tf.serialization.ConfigDict {
    const { modelJson, sha256, outputNode, featureShape } = this.args;
    // TF.js camel-cases every string of a saved config when it loads it (my_dir → myDir): the path and the
    // node name travel as hex, which that leaves alone.
    return {
      ...super.getConfig(),
      modelJsonHex: toHex(modelJson),
      sha256,
      outputNodeHex: toHex(outputNode),
      featureShape,
    };
  }
  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    this.graph.dispose();
    return super.dispose();
  }
}
tf.serialization.registerClass(GraphModelFeatures);

/** A run's saved layer names its graph base: load it again, refusing one that is missing or changed. */
function loadReferenced(args: GraphArgs): GraphModel {
  if (!fs.existsSync(args.modelJson))
    throw new EngineError(`The graph model this run is built on is missing: ${args.modelJson}.`);
  const artifacts = readArtifacts(args.modelJson);
  if (graphModelHash(args.modelJson, artifacts) !== args.sha256) {
    throw new EngineError(
      `The graph model this run is built on has changed since training: ${args.modelJson} (sha256 ${args.sha256.slice(0, 12)}… expected).`,
    );
  }
  return loadGraphModelSync(artifacts);
}

/** Wraps the graph model at `modelJsonPath` (artifacts already read) as a one-layer LayersModel. */
export function graphAsLayersModel(modelJsonPath: string, artifacts: tf.io.ModelArtifacts): tf.LayersModel {
  let graph: GraphModel;
  try {
    graph = loadGraphModelSync(artifacts);
  } catch (e) {
    throw new EngineError(`Cannot load the graph model ${modelJsonPath}: ${(e as Error).message.split('\n')[0]}`);
  }
  const input = graph.inputs[0];
  if (graph.inputs.length !== 1 || input.shape?.length !== 4) {
    throw new EngineError(
      `${modelJsonPath} is a graph model with ${graph.inputs.length} input(s); an image base needs one [batch, height, width, channels] input.`,
    );
  }
  const [, h, w, c] = input.shape.map((d) => (d === -1 ? null : d));
  const outputNode = featureNode(artifacts.modelTopology) ?? graph.outputs[0].name;
  const featureShape = tf.tidy(() => {
    const probe = tf.zeros([1, h ?? 224, w ?? 224, c ?? 3]);
    return (graph.execute(probe, outputNode) as tf.Tensor).shape.slice(1);
  });
  const modelInput = tf.input({ batchShape: [null, h, w, c], name: 'input' });
  const layer = new GraphModelFeatures(
    {
      name: GRAPH_LAYER_NAME,
      modelJson: path.resolve(modelJsonPath),
      sha256: graphModelHash(modelJsonPath, artifacts),
      outputNode,
      featureShape,
    },
    graph,
  );
  return tf.model({ inputs: modelInput, outputs: layer.apply(modelInput) as tf.SymbolicTensor, name: 'graph_base' });
}

function toHex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

function fromHex(hex: string): string {
  return Buffer.from(hex, 'hex').toString('utf8');
}

/** In a classifier graph, the tensor its last matrix multiply reads: the feature vector. */
function featureNode(topology: unknown): string | undefined {
  const nodes = (topology as { node?: { name: string; op: string; input?: string[] }[] })?.node ?? [];
  const matmuls = nodes.filter((n) => n.op === 'MatMul' || n.op === '_FusedMatMul');
  const input = matmuls[matmuls.length - 1]?.input?.[0];
  return input?.replace(/^\^/, '').replace(/:0$/, '');
}
