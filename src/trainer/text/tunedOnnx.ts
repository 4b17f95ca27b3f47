// The fine-tuned GloVe model as one ONNX graph (opset 17) on token ids of its own vocabulary, computing what
// scoreTuned computes: each token's row of the tuned table, the mean over the attention mask (the unknown
// word's row counts, as in the engine; a text without tokens pools to zeros), then the head's softmax.
import { onnx } from 'onnx-proto';
import { OnnxGraphBuilder } from '../export/onnxBuilder';
import { headProbabilities, maskedMean, textInputs, textModelProto } from './textOnnx';
import type { TunedModel } from './tunedEmbedding';

/** The ONNX model of a fine-tuned model; metadata as key → text. */
export function tunedOnnxModel(tuned: TunedModel, metadata: Record<string, string>): onnx.IModelProto {
  const b = new OnnxGraphBuilder();
  const { ids, mask } = textInputs(b);
  const rows = tuned.table.length / tuned.dims;
  const table = b.floats('embedding', [rows, tuned.dims], tuned.table);
  const words = b.node('Gather', [table, ids], 'words');
  const mean = maskedMean(b, words, b.node('Cast', [mask], 'mask_f', { to: onnx.TensorProto.DataType.FLOAT }));
  const head = {
    classes: tuned.classes,
    columns: Array.from({ length: tuned.dims }, (_, d) => d),
    weights: Array.from(tuned.weights),
    biases: Array.from(tuned.biases),
  };
  return textModelProto(b, headProbabilities(b, head, mean, tuned.dims), tuned.classes, metadata);
}
