// The frozen part of a model (input → cut, all layers frozen) as ONNX bytes, built in memory by the same
// layer converters the run export uses. Unlike an exported run it takes the already scaled pixels the engine
// feeds its base (NHWC) and returns the cut's output in TF.js's order (NHWC, or [N, features]), so its output
// can replace the WASM executor's byte for byte in the feature cache. BatchNorm stays a node here: ONNX
// Runtime folds it into the convolution when it optimizes the graph, as frozenExecutor.ts does for WASM.
import { onnx } from 'onnx-proto';
import { EngineError } from '../../shared/engineError';
import { graphLayer, type TopologyLayer } from '../export/exportGraph';
import { OnnxGraphBuilder } from '../export/onnxBuilder';
import { convertLayer, type Value } from '../export/onnxLayers';
import { IR_VERSION, ONNX_OPSET, tensorInfo } from '../export/onnxWriter';
import type * as tf from '../tf';

/** Names of the graph's input and output. */
export const FROZEN_INPUT = 'pixels';
export const FROZEN_OUTPUT = 'features';

interface ModelTopology {
  config: {
    layers: TopologyLayer[];
    input_layers: [string, number, number][];
    output_layers: [string, number, number][];
  };
}

/** ONNX bytes of a single-input, single-output functional model; an EngineError names a layer it cannot convert. */
export function frozenOnnxBytes(model: tf.LayersModel): Uint8Array {
  return onnx.ModelProto.encode(frozenOnnxModel(model)).finish();
}

function frozenOnnxModel(model: tf.LayersModel): onnx.IModelProto {
  // toJSON gives the topology in model.json's pythonic spelling, which the converters read.
  const topology = model.toJSON(undefined, false) as unknown as ModelTopology;
  const { layers, input_layers: inputs, output_layers: outputs } = topology.config;
  if (inputs.length !== 1 || outputs.length !== 1)
    throw new EngineError(
      `The frozen part has ${inputs.length} inputs and ${outputs.length} outputs; ONNX needs one of each.`,
    );
  const inputShape = model.inputs[0].shape.slice(1) as (number | null)[];
  const outputShape = model.outputs[0].shape.slice(1) as (number | null)[];
  if (inputShape.length !== 3 || inputShape.some((d) => d === null))
    throw new EngineError(`The frozen part takes input ${JSON.stringify(inputShape)}; ONNX needs a fixed image size.`);
  const b = new OnnxGraphBuilder();
  const input = b.reserve(FROZEN_INPUT);
  const output = b.reserve(FROZEN_OUTPUT);
  const values = new Map<string, Value>();
  const nchw = b.node('Transpose', [input], 'input/nchw', { perm: [0, 3, 1, 2] });
  values.set(inputs[0][0], { name: nchw, layout: 'nchw', shape: [null, ...inputShape] });
  for (const l of layers) {
    if (l.name === inputs[0][0]) continue;
    const layer = graphLayer(l, model.getLayer(l.name), 'the frozen part');
    const args = layer.inbound.map(([name]) => values.get(name));
    if (args.some((v) => v === undefined))
      throw new EngineError(`Layer "${l.name}" of the frozen part reads a layer that is not before it.`);
    values.set(l.name, convertLayer(b, layer, args as Value[]));
  }
  const last = values.get(outputs[0][0])!;
  // Back to TF.js's order, so the features are laid out as the WASM path stores them.
  if (last.layout === 'nchw')
    b.nodes.push({
      opType: 'Transpose',
      name: output,
      input: [last.name],
      output: [output],
      attribute: [{ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [0, 2, 3, 1] }],
    });
  else b.nodes.push({ opType: 'Identity', name: output, input: [last.name], output: [output] });
  return {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'transfer-studio',
    graph: {
      name: 'frozen_part',
      node: b.nodes,
      initializer: b.initializers,
      input: [tensorInfo(input, ['N', ...(inputShape as number[])])],
      output: [tensorInfo(output, ['N', ...outputShape.map((d, i) => d ?? `d${i + 1}`)])],
    },
  };
}
