// `trainer/export` for a text run: a GloVe or fine-tuned model as ONNX on token ids, its tokenizer.json and labels beside
// it. Every file is made in memory first (a refusal writes nothing), then written atomically.
import fs from 'node:fs';
import path from 'node:path';
import { onnx } from 'onnx-proto';
import { EngineError } from '../../shared/engineError';
import { EXPORT_FILE_NAMES, labelsFileFor, type ExportRequest, type ExportResult } from '../../shared/exportTypes';
import {
  ENCODER_EXPORT_REFUSAL,
  FUSED_EXPORT_REFUSAL,
  GLOVE_KERAS_REFUSAL,
  LATE_FUSED_EXPORT_REFUSAL,
  LEXICAL_EXPORT_REFUSAL,
} from '../../shared/text/textExportFiles';
import { exportFusedOnnx } from './fusedExport';
import { exportLexicalOnnx } from './lexicalExport';
import { kerasArchive } from '../export/kerasWriter';
import { tunedKerasModel } from './textKeras';
import { exportTextTfjs } from './textTfjsExport';
import { tokenizerFileFor } from '../../shared/text/textExportFiles';
import { TEXT_MODEL_FILE } from '../../shared/text/textFiles';
import { exportRun } from '../export/exportRun';
import { writeFileAtomic } from '../models/modelFiles';
import { readTextModel } from './textModelFile';
import { TEXT_ATTENTION_MASK, TEXT_INPUT_IDS, TEXT_OUTPUT, textOnnxModel } from './textOnnx';
import { gloveWords, PAD_ID, tokenizerJson, UNKNOWN_ID, type TokenizerWords } from './textTokenizerJson';
import type { TextModel } from './textHeads';
import { TUNED_MAX_TOKENS } from './tunedText';
import { tunedOnnxModel } from './tunedOnnx';
import { builtinWordVectors } from './wordVectors';

/** `trainer/export`: a text run here, any other run by the image exporter. */
export function exportAnyRun(request: ExportRequest): Promise<ExportResult> {
  const isText = fs.existsSync(path.join(path.resolve(request.runDir), TEXT_MODEL_FILE));
  return isText ? exportTextRun(request) : exportRun(request);
}

export async function exportTextRun(request: ExportRequest): Promise<ExportResult> {
  const runDir = path.resolve(request.runDir);
  const { classes, model } = readTextModel(runDir);
  const { format } = request;
  refuseUnexportable(runDir, model, format);
  if (model.fused) return exportFusedOnnx(runDir, classes, model.fused, request.out);
  if (model.lexical && model.gloveWeight === 0) return exportLexicalOnnx(runDir, classes, model.lexical, request.out);
  if (format === 'tfjs') return exportTextTfjs(runDir, classes, model, request.out);
  if (format === 'keras' && !model.tuned) {
    throw new EngineError(`${runDir}: its ${model.kind} model does not export to keras: ${GLOVE_KERAS_REFUSAL}.`);
  }
  const out = path.resolve(request.out ?? path.join(runDir, EXPORT_FILE_NAMES[format]));
  const tokenizerPath = tokenizerFileFor(out);
  const labelsPath = labelsFileFor(out);
  const tokenizer = path.basename(tokenizerPath);
  const metadata = textMetadata(runDir, classes, model, tokenizer, format === 'keras' ? 'masked' : 'int64');
  const bytes =
    format === 'keras' ? await kerasArchive(tunedKerasModel(model.tuned!), metadata) : onnxBytes(model, metadata);
  writeExport(out, [
    [out, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
    [tokenizerPath, tokenizerJson(exportedWords(model))],
    [labelsPath, classes.map((c) => `${c}\n`).join('')],
  ]);
  const inputs = format === 'keras' ? TEXT_INPUT_IDS : `${TEXT_INPUT_IDS}, ${TEXT_ATTENTION_MASK}`;
  return {
    format,
    path: out,
    labelsPath,
    tokenizerPath,
    bytes: bytes.byteLength,
    input: `${inputs}: [N, L] int64, from ${tokenizer}`,
    output: `${format === 'keras' ? 'the output' : TEXT_OUTPUT}: [N, ${classes.length}] float32, softmax`,
  };
}

function onnxBytes(model: TextModel, metadata: Record<string, string>): Uint8Array {
  return onnx.ModelProto.encode(onnxProto(model, metadata)).finish();
}

/** The ONNX graph of an exportable model (the TF.js export translates the same graph). */
export function onnxProto(model: TextModel, metadata: Record<string, string>): onnx.IModelProto {
  return model.tuned ? tunedOnnxModel(model.tuned, metadata) : textOnnxModel(model, builtinWordVectors(), metadata);
}

/**
 * What the exported files say about themselves. `ids`: how input_ids are fed — int64 beside attention_mask
 * (ONNX), alone with padding masked (Keras), int32 beside attention_mask (TF.js).
 */
export function textMetadata(
  runDir: string,
  classes: string[],
  model: TextModel,
  tokenizer: string,
  ids: 'int64' | 'masked' | 'int32',
): Record<string, string> {
  const kind = ids === 'int32' ? 'int32' : 'int64';
  const from = `${TEXT_INPUT_IDS}, ${kind} [N, L], from ${tokenizer} (pad ${PAD_ID}, unknown word ${UNKNOWN_ID})`;
  return {
    generated_by: 'transfer-studio',
    run: path.basename(runDir),
    title: `${path.basename(runDir)}: ${model.kind} text model (GloVe-100${model.tuned ? ', fine-tuned' : ''})`,
    labels: JSON.stringify(classes),
    tokenizer,
    inputs:
      ids === 'masked'
        ? `${from}; padding (id ${PAD_ID}) is masked`
        : `${from} and ${TEXT_ATTENTION_MASK} (1 for a token, 0 for padding)`,
  };
}

/** Refuses, by name, the models that have no exported form in `format`. */
export function refuseUnexportable(runDir: string, model: TextModel, format: ExportRequest['format']): void {
  if (model.tuned) return;
  if (model.encoder)
    throw new EngineError(`${runDir}: a run on an ONNX encoder does not export: ${ENCODER_EXPORT_REFUSAL}.`);
  if (model.fused) return onnxOnly(runDir, 'fused', format, FUSED_EXPORT_REFUSAL);
  if (model.lexical && model.gloveWeight === 0) return onnxOnly(runDir, 'lexical', format, LEXICAL_EXPORT_REFUSAL);
  if (!model.glove || model.gloveWeight !== 1) {
    throw new EngineError(`${runDir}: its ${model.kind} model does not export: ${LATE_FUSED_EXPORT_REFUSAL}.`);
  }
}

/** The models with a TF-IDF row export to ONNX only: TfIdfVectorizer has no Keras layer or TF.js op. */
function onnxOnly(runDir: string, kind: string, format: ExportRequest['format'], reason: string): void {
  if (format !== 'onnx') throw new EngineError(`${runDir}: its ${kind} model does not export to ${format}: ${reason}.`);
}

/** The words the exported tokenizer knows: the fine-tuned model's vocabulary, else GloVe's. */
export function exportedWords(model: TextModel): TokenizerWords {
  const { tuned } = model;
  if (!tuned) return gloveWords(builtinWordVectors());
  return { count: tuned.words.length, word: (i) => tuned.words[i], foldAccents: false, maxLength: TUNED_MAX_TOKENS };
}

/** Writes an export's files (made in memory first, so a refusal writes nothing), each atomically. */
export function writeExport(out: string, files: [string, string | Buffer][]): void {
  try {
    fs.mkdirSync(path.dirname(out), { recursive: true });
  } catch (e) {
    throw new EngineError(`Cannot create the folder ${path.dirname(out)}: ${(e as Error).message.split('\n')[0]}.`);
  }
  for (const [file, data] of files) writeFileAtomic(file, data);
}
