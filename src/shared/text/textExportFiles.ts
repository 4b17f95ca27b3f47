// Which text model exports to which format, and the file an ONNX text export writes beside the model.
// One source for the trainer's refusals, the CLI's help and the README.
import { fileBeside } from '../exportTypes';

/** `model.onnx` → `model.tokenizer.json` beside it (the tokenizer that gives the model's input_ids). */
export const tokenizerFileFor = (modelFile: string) => fileBeside(modelFile, '.tokenizer.json');

/** `model.onnx` → `model.chars.tokenizer.json`: the character tokenizer of a lexical model's char_ids. */
export const charTokenizerFileFor = (modelFile: string) => fileBeside(modelFile, '.chars.tokenizer.json');

/** `model.onnx` → `model.words.tokenizer.json`: the word tokenizer of a fused model's word_ids (the lexical half). */
export const wordTokenizerFileFor = (modelFile: string) => fileBeside(modelFile, '.words.tokenizer.json');

/** What exports, for --help and the refusals. */
export const TEXT_EXPORTS_SUMMARY =
  'text runs: fused models (the default) export to ONNX only (TfIdfVectorizer on word_ids and char_ids beside ' +
  'the GloVe row on input_ids + attention_mask; three tokenizer.json beside it); GloVe and fine-tuned (tuned) ' +
  'models to ONNX (input_ids + attention_mask, tokenizer.json beside it) and TF.js (a graph model of the same ' +
  'graph, int32 ids); fine-tuned models also to Keras (.keras on input_ids, padding masked); lexical (TF-IDF) ' +
  'models to ONNX only (TfIdfVectorizer on input_ids and char_ids, a word and a character tokenizer.json beside ' +
  'it). Runs on your own ONNX encoder (an ONNX graph cannot become Keras or TF.js here) are refused';

/** Why a GloVe model has no Keras form yet. */
export const GLOVE_KERAS_REFUSAL =
  'its SIF-weighted mean and masked max over the 341,479 built-in words (int8 with a scale per word) are not ' +
  'written as Keras layers yet; export it to ONNX, or train --text-model tuned for a Keras export';

/** Why a run on the user's ONNX sentence encoder does not export (yet): the head is ours, the encoder theirs. */
export const ENCODER_EXPORT_REFUSAL =
  'its head reads the vectors of your own ONNX encoder, and joining the two graphs into one file is not built ' +
  'yet (the head is in text-model.json)';

/** Why a lexical text model exports to ONNX only. */
export const LEXICAL_EXPORT_REFUSAL =
  'its n-gram counting is ONNX TfIdfVectorizer, which has no Keras layer or TF.js op: export it to onnx';

/** Why a fused text model exports to ONNX only. */
export const FUSED_EXPORT_REFUSAL =
  'its TF-IDF row counts n-grams with ONNX TfIdfVectorizer, which has no Keras layer or TF.js op: export it to ' +
  'onnx, or train --text-model glove (ONNX, TF.js) or tuned (ONNX, TF.js, Keras)';

/** Why a fused run of an earlier version (two heads, probabilities averaged late) does not export. */
export const LATE_FUSED_EXPORT_REFUSAL =
  "an earlier version averaged two heads' probabilities, which is not written as one graph: train it again " +
  '(a fused run of this version exports to ONNX)';
