// A fine-tuned text model as a Keras 3 functional model on token ids: Embedding(mask_zero=True) over its
// own vocabulary (pad 0, unknown 1, the training words), GlobalAveragePooling1D (Keras 3 averages over the
// mask: the real tokens, the unknown word's row included, as the engine does), Dense softmax. Written with
// the image exporter's writer (kerasWriter.ts), so the weights file follows the same Keras layout.
import type { GraphLayer } from '../export/exportGraph';
import { FIXED, functionalJson, KerasGraph } from '../export/kerasGraph';
import type { KerasModel } from '../export/kerasWriter';
import { TEXT_INPUT_IDS } from './textOnnx';
import type { TunedModel } from './tunedEmbedding';

/** The weights' source in the writer's terms: one layer with named weights. */
function weightsOf(name: string, weights: GraphLayer['weights']): GraphLayer {
  return { name, className: '', config: {}, inbound: [], outputShape: [], weights };
}

/** The Keras model of a fine-tuned text model. */
export function tunedKerasModel(tuned: TunedModel): KerasModel {
  const { dims, classes } = tuned;
  const rows = tuned.table.length / dims;
  const g = new KerasGraph([]);
  const input = g.layer(
    'InputLayer',
    { name: TEXT_INPUT_IDS, batch_shape: [null, null], dtype: 'int32', sparse: false },
    [],
    [null, null],
  );
  const embeddings = { name: 'embeddings', shape: [rows, dims], values: tuned.table };
  const embedding = g.layer(
    'Embedding',
    { name: 'embedding', ...FIXED, input_dim: rows, output_dim: dims, mask_zero: true },
    [input],
    [null, null, dims],
    weightsOf('embedding', [embeddings]),
  );
  const pooled = g.layer(
    'GlobalAveragePooling1D',
    { name: 'masked_mean', ...FIXED, data_format: 'channels_last', keepdims: false },
    [embedding],
    [null, dims],
  );
  // The engine's weights are classes × dims; Keras' kernel is dims × classes.
  const kernel = new Float32Array(dims * classes);
  for (let c = 0; c < classes; c++)
    for (let d = 0; d < dims; d++) kernel[d * classes + c] = tuned.weights[c * dims + d];
  const head = g.layer(
    'Dense',
    { name: 'head', ...FIXED, units: classes, activation: 'softmax', use_bias: true },
    [pooled],
    [null, classes],
    weightsOf('head', [
      { name: 'kernel', shape: [dims, classes], values: kernel },
      { name: 'bias', shape: [classes], values: tuned.biases },
    ]),
  );
  return { json: functionalJson(g, input, head), layers: g.layers, outputName: head };
}
