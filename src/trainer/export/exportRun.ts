// `trainer/export`: a finished run to a Keras, ONNX or TF.js file beside it (or where the user says).
// The model is translated completely in memory first, so an unsupported layer stops the export before
// anything is written; then each file is written to a temporary sibling and renamed into place.
import fs from 'node:fs';
import path from 'node:path';
import {
  EXPORT_FILE_NAMES,
  labelsFileFor,
  type ExportFormat,
  type ExportRequest,
  type ExportResult,
} from '../../shared/exportTypes';
import { EngineError } from '../../shared/engineError';
import { writeFileAtomic, writeJsonAtomic } from '../models/modelFiles';
import { readExportGraph, type ExportGraph } from './exportGraph';
import { EXPORT_INPUT_NAME, EXPORT_OUTPUT_NAME, exportMetadata } from './exportMetadata';
import { kerasFileBytes } from './kerasWriter';
import { onnxFileBytes } from './onnxWriter';
import { checkTfjsTarget, publishTfjsFolder } from './tfjsFolder';

export async function exportRun(request: ExportRequest): Promise<ExportResult> {
  const runDir = path.resolve(request.runDir);
  const out = path.resolve(request.out ?? path.join(runDir, EXPORT_FILE_NAMES[request.format]));
  const graph = await readExportGraph(runDir);
  if (request.format === 'tfjs') return exportTfjs(graph, out);
  const bytes = request.format === 'keras' ? await kerasFileBytes(graph) : await onnxFileBytes(graph);
  ensureFolder(path.dirname(out));
  writeFileAtomic(out, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const labelsPath = labelsFileFor(out);
  writeFileAtomic(labelsPath, labelsText(graph));
  return {
    format: request.format,
    path: out,
    labelsPath,
    bytes: bytes.byteLength,
    ...signature(graph, request.format),
  };
}

function labelsText(graph: ExportGraph): string {
  return graph.classes.map((c) => `${c}\n`).join('');
}

function signature(graph: ExportGraph, format: ExportFormat): Pick<ExportResult, 'input' | 'output'> {
  const { size, channels } = graph.preprocessing;
  const classes = graph.classes.length;
  if (format === 'tfjs') {
    const m = exportMetadata(graph).scaling;
    return {
      input: `[N, ${size[0]}, ${size[1]}, ${channels}] float32, pixels already scaled (x · ${m.multiply.toPrecision(6)} + ${m.add})`,
      output: `[N, ${classes}] probabilities`,
    };
  }
  return {
    input: `${EXPORT_INPUT_NAME}: [N, ${size[0]}, ${size[1]}, ${channels}] float32, raw pixels 0–255 (NHWC)`,
    output:
      format === 'onnx'
        ? `${EXPORT_OUTPUT_NAME}: [N, ${classes}] float32, softmax`
        : `[N, ${classes}] float32 probabilities (softmax, layer ${graph.outputLayer})`,
  };
}

/**
 * TF.js: the run's own model.json and weights, which take scaled pixels (TF.js apps feed them that way),
 * with metadata.json and labels. Without --out the run folder itself is the export.
 */
function exportTfjs(graph: ExportGraph, out: string): ExportResult {
  const runDir = graph.runDir;
  const modelJson = JSON.parse(fs.readFileSync(path.join(runDir, 'model.json'), 'utf8')) as {
    weightsManifest: { paths: string[] }[];
  };
  const files = ['model.json', ...modelJson.weightsManifest.flatMap((g) => g.paths)];
  const target = out;
  if (target === runDir) throw new EngineError(`The run folder ${runDir} already holds its TF.js model.`);
  checkTfjsTarget(target);
  let bytes = 0;
  publishTfjsFolder(target, (dir) => {
    for (const f of files) {
      const data = fs.readFileSync(path.join(runDir, f));
      bytes += data.byteLength;
      writeFileAtomic(path.join(dir, f), data);
    }
    writeJsonAtomic(path.join(dir, 'metadata.json'), { ...exportMetadata(graph), preprocessing: graph.preprocessing });
    writeFileAtomic(path.join(dir, 'labels.txt'), labelsText(graph));
  });
  return {
    format: 'tfjs',
    path: path.join(target, 'model.json'),
    labelsPath: path.join(target, 'labels.txt'),
    bytes,
    ...signature(graph, 'tfjs'),
  };
}

function ensureFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new EngineError(`Cannot create the folder ${dir}: ${(e as Error).message.split('\n')[0]}.`);
  }
}
