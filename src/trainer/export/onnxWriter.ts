// Writes a run as one ONNX model (opset 17): input `image` float32 NHWC raw pixels 0–255, the run's scaling,
// the layers (onnxLayers.ts), the softmax the head ends with, output `probabilities` [N, classes]; labels
// and how to feed it in metadata_props.
import { onnx } from 'onnx-proto';
import { pixelScale } from '../../shared/pixelScale';
import { EngineError } from '../../shared/engineError';
import type { ExportGraph } from './exportGraph';
import { EXPORT_INPUT_NAME, EXPORT_OUTPUT_NAME, exportMetadata } from './exportMetadata';
import { OnnxGraphBuilder } from './onnxBuilder';
import { convertLayer, type Value } from './onnxLayers';

/** The operator set the graph is written for. */
export const ONNX_OPSET = 17;
/** ONNX IR version 8: the one that goes with opset 17 (ONNX 1.12). */
export const IR_VERSION = 8;

export async function onnxFileBytes(graph: ExportGraph): Promise<Uint8Array> {
  return onnx.ModelProto.encode(onnxModel(graph)).finish();
}

export function onnxModel(graph: ExportGraph): onnx.IModelProto {
  const b = new OnnxGraphBuilder();
  const input = b.reserve(EXPORT_INPUT_NAME);
  const output = b.reserve(EXPORT_OUTPUT_NAME);
  const { size, channels, scale } = graph.preprocessing;
  const { multiply, add } = pixelScale(scale);
  const scaled = b.node(
    'Add',
    [
      b.node('Mul', [input, b.floats('preprocessing/multiply', [], [multiply])], 'preprocessing/multiplied'),
      b.floats('preprocessing/add', [], [add]),
    ],
    'preprocessing/scaled',
  );
  const values = new Map<string, Value>();
  const nchw = b.node('Transpose', [scaled], 'preprocessing/nchw', { perm: [0, 3, 1, 2] });
  values.set(graph.inputLayer, { name: nchw, layout: 'nchw', shape: [null, size[0], size[1], channels] });
  for (const layer of graph.layers) {
    if (layer.name === graph.inputLayer) continue;
    const inputs = layer.inbound.map(([name]) => {
      const v = values.get(name);
      if (!v) throw new EngineError(`Layer "${layer.name}" reads "${name}", which comes after it or is missing.`);
      return v;
    });
    values.set(layer.name, convertLayer(b, layer, inputs));
  }
  const last = values.get(graph.outputLayer)!;
  const classes = graph.classes.length;
  if (last.layout !== 'flat' || last.shape[1] !== classes) {
    throw new EngineError(
      `The output of ${graph.outputLayer} has shape ${JSON.stringify(last.shape)}, not [N, ${classes}] probabilities.`,
    );
  }
  b.nodes.push({ opType: 'Identity', name: output, input: [last.name], output: [output] });
  const metadata = exportMetadata(graph);
  return {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'transfer-studio',
    docString: `${metadata.title}: ${metadata.resizing}`,
    graph: {
      name: 'transfer_studio',
      node: b.nodes,
      initializer: b.initializers,
      input: [tensorInfo(input, ['N', size[0], size[1], channels])],
      output: [tensorInfo(output, ['N', classes])],
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({
      key,
      value: typeof value === 'string' ? value : JSON.stringify(value),
    })),
  };
}

export function tensorInfo(name: string, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
