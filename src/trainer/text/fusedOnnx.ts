// The fused text model (the default) as one ONNX graph (opset 17), computing what fusedRows() and its head
// compute: the TF-IDF row of the lexical graph (lexicalOnnx.ts) on word_ids and char_ids, counted as the run
// counted (binary or 1 + log tf), beside the GloVe row of the GloVe graph (textOnnx.ts) on input_ids and
// attention_mask, times the run's scale; then the one logistic head's softmax. Two word streams, because the
// two halves read words differently: GloVe's ids fold accents (its words are ASCII: café is cafe), the lexical
// n-grams keep them (café and cafe are two n-grams).
import { onnx } from 'onnx-proto';
import { OnnxGraphBuilder } from '../export/onnxBuilder';
import type { FusedModel } from './fusedText';
import { GLOVE_COLUMN } from './fusedText';
import { lexicalFeatureRow, placedHead, TEXT_CHAR_IDS } from './lexicalOnnx';
import type { LexicalVocabulary } from './lexicalVocabulary';
import { gloveFeatureRow, gloveRowWidth, headProbabilities, textInputs, textModelProto } from './textOnnx';
import { TEXT_ATTENTION_MASK, TEXT_INPUT_IDS } from './textOnnx';
import type { WordVectors } from './wordVectors';

/** The lexical half's word stream (the GloVe half's is input_ids). */
export const TEXT_WORD_IDS = 'word_ids';

/** The ONNX model of a fused text model; metadata as key → text. */
export function fusedOnnxModel(
  fused: FusedModel,
  vocabulary: LexicalVocabulary,
  vectors: WordVectors,
  classes: number,
  metadata: Record<string, string>,
): onnx.IModelProto {
  const b = new OnnxGraphBuilder();
  const { ids, mask } = textInputs(b);
  const words = b.reserve(TEXT_WORD_IDS);
  const chars = b.reserve(TEXT_CHAR_IDS);
  const weighting = fused.binary ? 'binary' : 'sublinear';
  const tfidf = lexicalFeatureRow(b, words, chars, vocabulary, fused.lexical, weighting);
  const glovePart = { state: fused.glove, meanOnly: false };
  const glove = gloveFeatureRow(b, glovePart, vectors, ids, mask);
  const scaled = b.node('Mul', [glove, b.floats('glove_scale', [], [fused.scale])], 'glove_scaled');
  const row = b.node('Concat', [tfidf.row, scaled], 'fused_row', { axis: 1 });
  const width = gloveRowWidth(glovePart, vectors);
  const columns = [...tfidf.columns, ...Array.from({ length: width }, (_, d) => GLOVE_COLUMN + d)];
  const probabilities = headProbabilities(b, placedHead(fused.head, columns), row, columns.length);
  return textModelProto(b, probabilities, classes, metadata, [
    { name: TEXT_INPUT_IDS, length: 'L' },
    { name: TEXT_ATTENTION_MASK, length: 'L' },
    { name: TEXT_WORD_IDS, length: 'W' },
    { name: TEXT_CHAR_IDS, length: 'C' },
  ]);
}
