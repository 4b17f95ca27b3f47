// `export --format tfjs` for a text run: a folder with the TF.js graph model (textTfjs.ts) of the run's ONNX
// graph, its weights, tokenizer.json, labels.txt and metadata.json. The folder is made complete beside the
// target and renamed over it, so a reader never sees half of it; only an earlier export is replaced.
import path from 'node:path';
import { EXPORT_FILE_NAMES, type ExportResult } from '../../shared/exportTypes';
import { checkTfjsTarget, publishTfjsFolder } from '../export/tfjsFolder';
import { writeFileAtomic } from '../models/modelFiles';
import { exportedWords, onnxProto, textMetadata } from './textExport';
import type { TextModel } from './textHeads';
import { TEXT_ATTENTION_MASK, TEXT_INPUT_IDS, TEXT_OUTPUT } from './textOnnx';
import { tfjsGraphModel } from './textTfjs';
import { tokenizerJson } from './textTokenizerJson';

const WEIGHTS = 'weights.bin';
const TOKENIZER = 'tokenizer.json';
const LABELS = 'labels.txt';

export function exportTextTfjs(
  runDir: string,
  classes: string[],
  model: TextModel,
  out: string | undefined,
): ExportResult {
  const target = path.resolve(out ?? path.join(runDir, EXPORT_FILE_NAMES.tfjs));
  checkTfjsTarget(target);
  const metadata = textMetadata(runDir, classes, model, TOKENIZER, 'int32');
  const { modelJson, weights } = tfjsGraphModel(onnxProto(model, metadata), WEIGHTS);
  const files: [string, string | Buffer][] = [
    ['model.json', JSON.stringify({ ...modelJson, userDefinedMetadata: metadata })],
    [WEIGHTS, weights],
    [TOKENIZER, tokenizerJson(exportedWords(model))],
    [LABELS, classes.map((c) => `${c}\n`).join('')],
  ];
  publishTfjsFolder(target, (dir) => {
    for (const [name, data] of files) writeFileAtomic(path.join(dir, name), data);
  });
  return {
    format: 'tfjs',
    path: path.join(target, 'model.json'),
    labelsPath: path.join(target, LABELS),
    tokenizerPath: path.join(target, TOKENIZER),
    bytes: weights.byteLength,
    input: `${TEXT_INPUT_IDS}, ${TEXT_ATTENTION_MASK}: [N, L] int32, from ${TOKENIZER}`,
    output: `${TEXT_OUTPUT}: [N, ${classes.length}] float32, softmax`,
  };
}
