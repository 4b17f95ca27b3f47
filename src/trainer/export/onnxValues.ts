// What flows between the ONNX operators of a converted layer graph, and the small helpers every converter
// uses. Image tensors are NCHW inside the graph (ONNX's Conv and pooling layout), vectors [N, features].
import { EngineError } from '../../shared/engineError';
import type { GraphLayer } from './exportGraph';
import type { OnnxGraphBuilder } from './onnxBuilder';

/** An ONNX value and how to read it: `nchw` for image tensors, `flat` for [N, features]. */
export interface Value {
  name: string;
  layout: 'nchw' | 'flat';
  /** Shape in TF.js's order (NHWC or [N, F]), batch first (null). */
  shape: (number | null)[];
}

export type Converter = (b: OnnxGraphBuilder, layer: GraphLayer, inputs: Value[]) => Value;

export const cfg = <T>(layer: GraphLayer, key: string) => layer.config[key] as T;
export const pair = (v: number | number[]) => (Array.isArray(v) ? v : [v, v]);

export function one(layer: GraphLayer, inputs: Value[], layout?: Value['layout']): Value {
  if (inputs.length !== 1) throw new EngineError(`Layer "${layer.name}" has ${inputs.length} inputs; it takes one.`);
  if (layout && inputs[0].layout !== layout) {
    throw new EngineError(
      `Layer "${layer.name}" (${layer.className}) gets a ${inputs[0].shape.length}-D input; export handles it on ${layout === 'nchw' ? 'images' : 'vectors'} only.`,
    );
  }
  return inputs[0];
}

export const out = (name: string, layer: GraphLayer, layout: Value['layout']): Value => ({
  name,
  layout,
  shape: layer.outputShape,
});
