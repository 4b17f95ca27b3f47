// A fine-tuned text model as a Keras 3 functional model on token ids: an Embedding over its own vocabulary
// (pad 0, unknown 1, the training words), the mean over the real tokens (the unknown word's row included, as
// the engine does), Dense softmax. The mean is written out with keras.ops (a second one-wide Embedding gives
// each id its weight, 0 for padding, 1 otherwise; the count is kept at least 1) rather than
// Embedding(mask_zero=True) + GlobalAveragePooling1D: that layer divides by the mask's count, 0 for a text
// without a token, and gave NaN where the engine pools to zeros (the head's bias alone decides). Written with
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
    { name: 'embedding', ...FIXED, input_dim: rows, output_dim: dims, mask_zero: false },
    [input],
    [null, null, dims],
    weightsOf('embedding', [embeddings]),
  );
  const pooled = maskedMean(g, input, embedding, rows, dims);
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

/** Σ rows of the real tokens ÷ max(their count, 1): zeros for a text without a token, as the engine pools. */
function maskedMean(g: KerasGraph, input: string, embedding: string, rows: number, dims: number): string {
  const real = new Float32Array(rows).fill(1);
  real[0] = 0;
  const weight = g.layer(
    'Embedding',
    { name: 'token_weight', ...FIXED, input_dim: rows, output_dim: 1, mask_zero: false },
    [input],
    [null, null, 1],
    weightsOf('token_weight', [{ name: 'embeddings', shape: [rows, 1], values: real }]),
  );
  const kept = g.numpyOp('Multiply', 'real_tokens', [embedding, weight], [null, null, dims]);
  const total = g.numpyOp('Sum', 'token_sum', [kept], [null, dims], [], { axis: 1, keepdims: false });
  const count = g.numpyOp('Sum', 'token_count', [weight], [null, 1], [], { axis: 1, keepdims: false });
  const safe = g.numpyOp('Maximum', 'token_count_safe', [count], [null, 1], [1]);
  return g.numpyOp('Divide', 'masked_mean', [total, safe], [null, dims]);
}
