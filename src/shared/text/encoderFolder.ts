// What makes a folder an ONNX sentence encoder the engine can take as a text base (`--base <folder>`,
// the recipe's text.encoder, the editor's text model pick): its ONNX model, its tokenizer.json, and the
// sentence-transformers files that say how it pools. Pure: the caller says which files exist.

/** Where the ONNX model may be, relative to the folder (sentence-transformers' ONNX export uses onnx/). */
export const ENCODER_MODEL_PLACES: readonly string[] = ['model.onnx', 'onnx/model.onnx'];
/** Files that mark a sentence-transformers folder (any one of them). */
export const SENTENCE_TRANSFORMERS_FILES: readonly string[] = [
  'modules.json',
  'sentence_bert_config.json',
  'config_sentence_transformers.json',
  '1_Pooling/config.json',
];

/** Why a folder is not a sentence encoder, or undefined; `has` says whether a relative path is a file there. */
export function encoderFolderProblem(has: (relative: string) => boolean): string | undefined {
  const missing = [
    ENCODER_MODEL_PLACES.some(has) ? '' : ENCODER_MODEL_PLACES.join(' or '),
    has('tokenizer.json') ? '' : 'tokenizer.json',
    SENTENCE_TRANSFORMERS_FILES.some(has) ? '' : `sentence-transformers metadata (${SENTENCE_TRANSFORMERS_FILES[0]})`,
  ].filter(Boolean);
  return missing.length ? `no ${missing.join(', no ')}` : undefined;
}
