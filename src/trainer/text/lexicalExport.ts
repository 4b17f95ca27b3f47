// `export --format onnx` of a lexical run: the TF-IDF graph (lexicalOnnx.ts), the word tokenizer.json that gives
// its input_ids, the character tokenizer.json that gives its char_ids, and the labels, all made in memory first.
import path from 'node:path';
import { onnx } from 'onnx-proto';
import type { ExportResult } from '../../shared/exportTypes';
import { EXPORT_FILE_NAMES, labelsFileFor } from '../../shared/exportTypes';
import { charTokenizerFileFor, tokenizerFileFor } from '../../shared/text/textExportFiles';
import { CHAR_GRAM_CHARS } from '../data/text/lexicalFeatures';
import { lexicalOnnxModel, TEXT_CHAR_IDS } from './lexicalOnnx';
import { charTokenizerJson, lexicalVocabulary } from './lexicalVocabulary';
import type { TextModel } from './textHeads';
import { TEXT_INPUT_IDS, TEXT_OUTPUT } from './textOnnx';
import { PAD_ID, tokenizerJson, UNKNOWN_ID } from './textTokenizerJson';
import { writeExport } from './textExport';

type LexicalModel = NonNullable<TextModel['lexical']>;

export function exportLexicalOnnx(
  runDir: string,
  classes: string[],
  lexical: LexicalModel,
  out = path.join(runDir, EXPORT_FILE_NAMES.onnx),
): ExportResult {
  const vocabulary = lexicalVocabulary(lexical.state, runDir);
  const [tokenizerPath, charTokenizerPath, labelsPath] = [tokenizerFileFor, charTokenizerFileFor, labelsFileFor].map(
    (f) => f(path.resolve(out)),
  );
  const [words, chars] = [tokenizerPath, charTokenizerPath].map((p) => path.basename(p));
  const metadata = {
    generated_by: 'transfer-studio',
    run: path.basename(runDir),
    title: `${path.basename(runDir)}: lexical text model (word 1–2-gram and character 2–5-gram TF-IDF)`,
    labels: JSON.stringify(classes),
    tokenizer: words,
    char_tokenizer: chars,
    inputs:
      `${TEXT_INPUT_IDS}, int64 [N, L], from ${words}; ${TEXT_CHAR_IDS}, int64 [N, C], from ${chars} ` +
      `(pad ${PAD_ID}, unknown ${UNKNOWN_ID}; the first ${CHAR_GRAM_CHARS} count)`,
  };
  const model = lexicalOnnxModel(lexical, vocabulary, classes.length, metadata);
  const bytes = onnx.ModelProto.encode(model).finish();
  const wordList = { count: vocabulary.words.length, word: (i: number) => vocabulary.words[i], foldAccents: false };
  writeExport(path.resolve(out), [
    [path.resolve(out), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
    [tokenizerPath, tokenizerJson(wordList)],
    [charTokenizerPath, charTokenizerJson(vocabulary.characters)],
    [labelsPath, classes.map((c) => `${c}\n`).join('')],
  ]);
  return {
    format: 'onnx',
    path: path.resolve(out),
    labelsPath,
    tokenizerPath,
    charTokenizerPath,
    bytes: bytes.byteLength,
    input: `${TEXT_INPUT_IDS}: [N, L] int64, from ${words}; ${TEXT_CHAR_IDS}: [N, C] int64, from ${chars}`,
    output: `${TEXT_OUTPUT}: [N, ${classes.length}] float32, softmax`,
  };
}
