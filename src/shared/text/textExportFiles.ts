// Which text model exports to which format, and the file an ONNX text export writes beside the model.
// One source for the trainer's refusals, the CLI's help and the README.
import { fileBeside } from '../exportTypes';

/** `model.onnx` → `model.tokenizer.json` beside it (the tokenizer that gives the model's input_ids). */
export const tokenizerFileFor = (modelFile: string) => fileBeside(modelFile, '.tokenizer.json');

/** `model.onnx` → `model.chars.tokenizer.json`: the character tokenizer of a lexical model's char_ids. */
export const charTokenizerFileFor = (modelFile: string) => fileBeside(modelFile, '.chars.tokenizer.json');

/** What exports, for --help and the refusals. */
export const TEXT_EXPORTS_SUMMARY =
  'text runs: GloVe and fine-tuned (tuned) models export to ONNX (input_ids + attention_mask, ' +
  'tokenizer.json beside it) and TF.js (a graph model of the same graph, int32 ids); fine-tuned models also ' +
  'to Keras (.keras on input_ids, padding masked); lexical (TF-IDF) models to ONNX only (TfIdfVectorizer on ' +
  'input_ids and char_ids, a word and a character tokenizer.json beside it). Fused models, and runs on your ' +
  'own ONNX encoder (an ONNX graph cannot become Keras or TF.js here), are refused';

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

/** Why a fused text model does not export (yet). */
export const FUSED_EXPORT_REFUSAL =
  'its one head over the TF-IDF row and the GloVe row is not joined into one graph yet: train ' +
  '--text-model lexical (ONNX) or glove (ONNX, TF.js) for an exported model';
