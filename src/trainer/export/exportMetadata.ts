// What every exported model says about itself, in its own metadata and in the labels file beside it:
// the classes in output order and how to feed it. The scaling is inside the model; resizing is not.
import path from 'node:path';
import { pixelScale } from '../../shared/pixelScale';
import type { InputSpec } from '../../shared/inputSpec';
import type { ExportGraph } from './exportGraph';

/** Name of the exported models' input (ONNX input name, Keras input layer name). */
export const EXPORT_INPUT_NAME = 'image';
/** Name of the ONNX model's output. */
export const EXPORT_OUTPUT_NAME = 'probabilities';

export interface ExportMetadata {
  generated_by: 'transfer-studio';
  run: string;
  title: string;
  /** Class names in the order of the output's probabilities. */
  labels: string[];
  input: { name: string; layout: 'NHWC'; shape: (number | null)[]; dtype: 'float32'; range: [number, number] };
  /** The run's input spec as run.json records it (kind, and for images size, channels, scale). */
  input_spec: InputSpec;
  /** The scaling the model applies itself (x · multiply + add), as recorded in the run's preprocessing. */
  scaling: { scale: string; multiply: number; add: number };
  /** What the caller still does before calling the model. */
  resizing: string;
}

export function exportMetadata(graph: ExportGraph): ExportMetadata {
  const { size, channels, scale } = graph.preprocessing;
  return {
    generated_by: 'transfer-studio',
    run: path.basename(graph.runDir),
    title: graph.title,
    labels: graph.classes,
    input: {
      name: EXPORT_INPUT_NAME,
      layout: 'NHWC',
      shape: [null, size[0], size[1], channels],
      dtype: 'float32',
      range: [0, 255],
    },
    input_spec: graph.input,
    scaling: { scale, ...pixelScale(scale) },
    resizing:
      `The caller resizes each image to ${size[1]}×${size[0]} (the engine center-crops to that aspect, then resizes)` +
      `${channels === 1 ? ' and converts it to grayscale' : ' RGB'}; the model does not resize.`,
  };
}
