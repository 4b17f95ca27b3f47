// Which text model exports to which format, and the file an ONNX text export writes beside the model.
// One source for the trainer's refusals, the CLI's help and the README.
import { fileBeside } from '../exportTypes';

/** `model.onnx` → `model.tokenizer.json` beside it (the tokenizer that gives the model's input_ids). */
export const tokenizerFileFor = (modelFile: string) => fileBeside(modelFile, '.tokenizer.json');

/** What exports, for --help and the refusals. */
export const TEXT_EXPORTS_SUMMARY =
  'text runs: GloVe and fine-tuned (tuned) models export to ONNX (input_ids + attention_mask, ' +
  'tokenizer.json beside it) and TF.js (a graph model of the same graph, int32 ids); fine-tuned models also ' +
  'to Keras (.keras on input_ids, padding masked). Lexical and fused models, and runs on your own ONNX ' +
  'encoder (an ONNX graph cannot become Keras or TF.js here), are refused';

/** Why a GloVe model has no Keras form yet. */
export const GLOVE_KERAS_REFUSAL =
  'its SIF-weighted mean and masked max over the 341,479 built-in words (int8 with a scale per word) are not ' +
  'written as Keras layers yet; export it to ONNX, or train --text-model tuned for a Keras export';

/** Why a run on the user's ONNX sentence encoder does not export (yet): the head is ours, the encoder theirs. */
export const ENCODER_EXPORT_REFUSAL =
  'its head reads the vectors of your own ONNX encoder, and joining the two graphs into one file is not built ' +
  'yet (the head is in text-model.json)';

/** Why a lexical (or fused) text model has no ONNX form. */
export const LEXICAL_EXPORT_REFUSAL =
  'its TF-IDF columns are hashes of word and character n-grams, and ONNX TfIdfVectorizer needs the n-grams ' +
  'themselves, which the run does not keep';
