// A text model's ONNX graph (textOnnx.ts, tunedOnnx.ts) rewritten as a TF.js graph model (model.json with
// a TensorFlow GraphDef, format `graph-model`, and one weights file), so tf.loadGraphModel runs the same
// computation: one source for what the exported graph computes. Only the operations those graphs use are
// translated. Token ids are int32 (TF.js has no int64); the GloVe table's int8 values travel as TF.js'
// uint8 quantization with min −128 and scale 1, which dequantizes to the same integers.
import { onnx } from 'onnx-proto';
import { EngineError } from '../../shared/engineError';

/** One node of the GraphDef as model.json holds it. */
interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr: Record<string, unknown>;
}

interface TfWeight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: { dtype: 'uint8'; min: number; scale: number };
}

const FLOAT = { type: 'DT_FLOAT' };
const INT32 = { type: 'DT_INT32' };
const bool = (b: boolean) => ({ b });

/** ONNX element-wise and simple operations → TF op of the same broadcasting meaning. */
const SAME: Readonly<Record<string, string>> = {
  Mul: 'Mul',
  Sub: 'Sub',
  Add: 'AddV2',
  Div: 'RealDiv',
  Max: 'Maximum',
  Greater: 'Greater',
  Sqrt: 'Sqrt',
  Identity: 'Identity',
  MatMul: 'MatMul',
  Softmax: 'Softmax',
};

export interface TfjsGraphModel {
  modelJson: Record<string, unknown>;
  weights: Buffer;
}

/** The TF.js graph model of an ONNX text model; `weightsFile` is the name model.json gives its weights. */
export function tfjsGraphModel(model: onnx.IModelProto, weightsFile: string): TfjsGraphModel {
  const graph = model.graph!;
  const nodes: TfNode[] = [];
  const specs: TfWeight[] = [];
  const parts: Buffer[] = [];
  for (const input of graph.input ?? []) {
    nodes.push({
      name: input.name!,
      op: 'Placeholder',
      attr: { dtype: INT32, shape: { shape: { dim: [{ size: '-1' }, { size: '-1' }] } } },
    });
  }
  const constant = (spec: TfWeight, data: Buffer) => {
    specs.push(spec);
    parts.push(data);
    const dtype = spec.dtype === 'int32' ? INT32 : FLOAT;
    const tensorShape = { dim: spec.shape.map((d) => ({ size: String(d) })) };
    nodes.push({
      name: spec.name,
      op: 'Const',
      attr: { value: { tensor: { dtype: dtype.type, tensorShape } }, dtype },
    });
    return spec.name;
  };
  for (const t of graph.initializer ?? []) constant(...weightOf(t));
  let axes = 0;
  /** An int32 constant the translation adds (an axis attribute of ONNX is an input in TF). */
  const axis = (values: number[]) =>
    constant(
      { name: `tfjs_axis_${axes++}`, shape: [values.length], dtype: 'int32' },
      Buffer.from(Int32Array.from(values).buffer),
    );
  for (const n of graph.node ?? []) nodes.push(translate(n, axis));
  const output = graph.output![0].name!;
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'transfer-studio',
    convertedBy: 'transfer-studio (from its ONNX graph)',
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: [weightsFile], weights: specs }],
    signature: {
      inputs: Object.fromEntries((graph.input ?? []).map((i) => [i.name, { name: `${i.name}:0`, dtype: 'DT_INT32' }])),
      outputs: { [output]: { name: `${output}:0`, dtype: 'DT_FLOAT' } },
    },
  };
  return { modelJson, weights: Buffer.concat(parts) };
}

const attribute = (n: onnx.INodeProto, name: string) => n.attribute?.find((a) => a.name === name);

function translate(n: onnx.INodeProto, axis: (values: number[]) => string): TfNode {
  const name = n.output![0];
  const input = [...(n.input ?? [])];
  const keepDims = () => bool(Number(attribute(n, 'keepdims')?.i ?? 1) === 1);
  const same = SAME[n.opType!];
  if (same) {
    const attr: Record<string, unknown> = { T: FLOAT };
    if (same === 'MatMul') Object.assign(attr, { transpose_a: bool(false), transpose_b: bool(false) });
    return { name, op: same, input, attr };
  }
  switch (n.opType) {
    case 'Gather':
      return { name, op: 'GatherV2', input: [...input, axis([0])], attr: { batch_dims: { i: '0' } } };
    case 'Cast':
      if (Number(attribute(n, 'to')?.i) !== onnx.TensorProto.DataType.FLOAT) break;
      return { name, op: 'Cast', input, attr: { DstT: FLOAT } };
    case 'Unsqueeze':
      return { name, op: 'ExpandDims', input, attr: { T: FLOAT } };
    case 'ReduceSum':
      return { name, op: 'Sum', input, attr: { T: FLOAT, keep_dims: keepDims() } };
    case 'ReduceMax': {
      const axes = (attribute(n, 'axes')?.ints ?? []).map(Number);
      return { name, op: 'Max', input: [input[0], axis(axes)], attr: { T: FLOAT, keep_dims: keepDims() } };
    }
    case 'Concat': {
      const at = Number(attribute(n, 'axis')?.i ?? 0);
      return {
        name,
        op: 'ConcatV2',
        input: [...input, axis([at])],
        attr: { T: FLOAT, N: { i: String(input.length) } },
      };
    }
  }
  throw new EngineError(`The ONNX operation ${n.opType} (${name}) has no TF.js translation here.`);
}

/** An ONNX initializer as a TF.js weight: float32 as is, int64 as int32, int8 as uint8-quantized float32. */
function weightOf(t: onnx.ITensorProto): [TfWeight, Buffer] {
  const DT = onnx.TensorProto.DataType;
  const name = t.name!;
  const shape = (t.dims ?? []).map(Number);
  const raw = Buffer.from(t.rawData!);
  if (t.dataType === DT.FLOAT) return [{ name, shape, dtype: 'float32' }, raw];
  if (t.dataType === DT.INT64) {
    const values = new BigInt64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    return [{ name, shape, dtype: 'int32' }, Buffer.from(Int32Array.from(values, Number).buffer)];
  }
  if (t.dataType === DT.INT8) {
    const shifted = Buffer.from(
      Uint8Array.from(new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength), (v) => v + 128),
    );
    return [{ name, shape, dtype: 'float32', quantization: { dtype: 'uint8', min: -128, scale: 1 } }, shifted];
  }
  throw new EngineError(`The ONNX constant ${name} has a type (${t.dataType}) TF.js does not take here.`);
}
