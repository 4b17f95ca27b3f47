// Reads a tfjs model.json and its weight shards into memory, every size checked against its limit before the
// bytes are read. Below both the model loader (modelFiles.ts) and the graph-model layer (interchange/graphBase.ts).
import fs from 'node:fs';
import path from 'node:path';
import type * as tf from '../tf';
import { formatBytes, LIMITS } from '../../shared/limits';
import { EngineError } from '../../shared/engineError';
import { readFileBounded, readJsonFile } from '../../io/boundedRead';
import { checkModelJson } from './modelJsonChecks';

export function readArtifacts(modelJsonPath: string): tf.io.ModelArtifacts {
  const json = checkModelJson(readJsonFile(modelJsonPath, LIMITS.maxModelJsonBytes, 'model'), modelJsonPath);
  const dir = path.dirname(modelJsonPath);
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  let total = 0;
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    const expected = group.weights.reduce((sum, w) => sum + specBytes(w), 0);
    total += expected;
    // The manifest's sizes are checked before any shard is read: a few bytes of JSON can declare terabytes.
    if (total > LIMITS.maxModelWeightBytes) {
      throw new EngineError(
        `${modelJsonPath} declares ${formatBytes(total)} or more of weights, over the ${formatBytes(LIMITS.maxModelWeightBytes)} limit (maxModelWeightBytes).`,
      );
    }
    const parts = group.paths.map((p) => {
      const file = path.resolve(dir, p);
      if (path.relative(dir, file).startsWith('..'))
        throw new EngineError(`${modelJsonPath} refers to a weights file outside its folder (${p}).`);
      if (!fs.existsSync(file))
        throw new EngineError(`Weights file missing: ${file} (listed in ${path.basename(modelJsonPath)}).`);
      return readFileBounded(file, LIMITS.maxModelWeightBytes, 'weights file');
    });
    const actual = parts.reduce((sum, b) => sum + b.length, 0);
    if (actual !== expected) {
      throw new EngineError(
        `Weights of ${modelJsonPath} are ${actual} bytes but the manifest needs ${expected}: the files are truncated or belong to another model.`,
      );
    }
    buffers.push(...parts);
  }
  const all = Buffer.concat(buffers);
  return {
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
  };
}

function specBytes(w: tf.io.WeightsManifestEntry): number {
  const count = w.shape.reduce((a, b) => a * b, 1);
  const dtype = w.quantization?.dtype ?? w.dtype;
  const bytesPer = dtype === 'uint8' ? 1 : dtype === 'uint16' || dtype === 'float16' ? 2 : 4;
  return count * bytesPer;
}
