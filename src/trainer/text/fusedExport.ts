// `export --format onnx` of a fused run (the default text model): the graph (fusedOnnx.ts) and the three
// tokenizer.json files that feed it — GloVe's (input_ids, attention_mask: the GloVe export's), the training
// words' (word_ids) and the characters' (char_ids: the lexical export's two) — and the labels, all made in
// memory first.
import path from 'node:path';
import { onnx } from 'onnx-proto';
import type { ExportResult } from '../../shared/exportTypes';
import { EXPORT_FILE_NAMES, labelsFileFor } from '../../shared/exportTypes';
import { charTokenizerFileFor, tokenizerFileFor, wordTokenizerFileFor } from '../../shared/text/textExportFiles';
import { CHAR_GRAM_CHARS } from '../data/text/lexicalFeatures';
import type { FusedModel } from './fusedText';
import { fusedOnnxModel, TEXT_WORD_IDS } from './fusedOnnx';
import { TEXT_CHAR_IDS } from './lexicalOnnx';
import { charTokenizerJson, lexicalVocabulary } from './lexicalVocabulary';
import { TEXT_ATTENTION_MASK, TEXT_INPUT_IDS, TEXT_OUTPUT } from './textOnnx';
import { gloveWords, PAD_ID, tokenizerJson, UNKNOWN_ID } from './textTokenizerJson';
import { writeExport } from './textExport';
import { builtinWordVectors } from './wordVectors';

export function exportFusedOnnx(
  runDir: string,
  classes: string[],
  fused: FusedModel,
  out = path.join(runDir, EXPORT_FILE_NAMES.onnx),
): ExportResult {
  const file = path.resolve(out);
  const vocabulary = lexicalVocabulary(fused.lexical, runDir);
  const vectors = builtinWordVectors();
  const files = [tokenizerFileFor, wordTokenizerFileFor, charTokenizerFileFor, labelsFileFor].map((f) => f(file));
  const [tokenizerPath, wordTokenizerPath, charTokenizerPath, labelsPath] = files;
  const [glove, words, chars] = files.map((p) => path.basename(p));
  const counting = fused.binary ? 'each term once' : '1 + ln(count)';
  const input =
    `${TEXT_INPUT_IDS} + ${TEXT_ATTENTION_MASK}: [N, L] int64, from ${glove}; ` +
    `${TEXT_WORD_IDS}: [N, W] int64, from ${words}; ${TEXT_CHAR_IDS}: [N, C] int64, from ${chars}`;
  const metadata = {
    generated_by: 'transfer-studio',
    run: path.basename(runDir),
    title:
      `${path.basename(runDir)}: fused text model (word and character TF-IDF, ${counting}, beside ` +
      `the GloVe-100 row × ${fused.scale}; one logistic head)`,
    labels: JSON.stringify(classes),
    tokenizer: glove,
    word_tokenizer: words,
    char_tokenizer: chars,
    inputs: `${input} (pad ${PAD_ID}, unknown ${UNKNOWN_ID}; the first ${CHAR_GRAM_CHARS} characters count)`,
  };
  const bytes = onnx.ModelProto.encode(fusedOnnxModel(fused, vocabulary, vectors, classes.length, metadata)).finish();
  const wordList = { count: vocabulary.words.length, word: (i: number) => vocabulary.words[i], foldAccents: false };
  writeExport(file, [
    [file, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
    [tokenizerPath, tokenizerJson(gloveWords(vectors))],
    [wordTokenizerPath, tokenizerJson(wordList)],
    [charTokenizerPath, charTokenizerJson(vocabulary.characters)],
    [labelsPath, classes.map((c) => `${c}\n`).join('')],
  ]);
  return {
    format: 'onnx',
    path: file,
    labelsPath,
    tokenizerPath,
    wordTokenizerPath,
    charTokenizerPath,
    bytes: bytes.byteLength,
    input,
    output: `${TEXT_OUTPUT}: [N, ${classes.length}] float32, softmax`,
  };
}
