// A small builder for an ONNX graph: nodes with typed attributes, float32 initializers, unique value names.
import { onnx } from 'onnx-proto';

export type AttributeValue = number | number[] | string | { float: number } | { floats: number[] };

/** float attributes must be marked: a JS number alone is an int attribute. */
export const float = (value: number) => ({ float: value });

export class OnnxGraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private readonly used = new Set<string>();

  /** A value name not used before, derived from `want`. */
  name(want: string): string {
    const clean = want.replace(/[^\w./-]+/g, '_');
    let name = clean;
    for (let i = 2; this.used.has(name); i++) name = `${clean}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Reserves names the graph's inputs and outputs use. */
  reserve(name: string): string {
    this.used.add(name);
    return name;
  }

  /** A float32 constant. */
  floats(want: string, dims: number[], values: Float32Array | number[]): string {
    const name = this.name(want);
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    this.initializers.push({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
    });
    return name;
  }

  /** An int64 constant (shapes, pads, axes). */
  ints(want: string, values: number[]): string {
    const name = this.name(want);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: onnx.TensorProto.DataType.INT64,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  }

  /** Adds one node; returns the name of its (single) output. */
  node(op: string, inputs: string[], outputWant: string, attributes: Record<string, AttributeValue> = {}): string {
    const output = this.name(outputWant);
    this.nodes.push({
      opType: op,
      name: output,
      input: inputs,
      output: [output],
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return output;
  }
}

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.FLOATS, floats: value.floats };
}

/** Reorders a dense array with `shape` by `perm` (like numpy.transpose), for weights. */
export function transposeValues(
  values: Float32Array,
  shape: number[],
  perm: number[],
): { values: Float32Array; shape: number[] } {
  const outShape = perm.map((p) => shape[p]);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(values.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < perm.length; d++) src += index[d] * strides[perm[d]];
    out[o] = values[src];
    for (let d = perm.length - 1; d >= 0; d--) {
      if (++index[d] < outShape[d]) break;
      index[d] = 0;
    }
  }
  return { values: out, shape: outShape };
}
