// Reads and writes standard tfjs LayersModel artifacts (model.json + binary weight shards) on disk,
// without tfjs-node's file:// handler, so the same code runs on every backend.
//
// Saving is crash-safe without swapping folders: the weights go to a new content-named file first, then
// model.json is replaced by rename (atomic on POSIX), then the old weights file is removed. At every instant
// model.json points at a complete weights file.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '../tf';
import { EngineError } from '../../shared/engineError';
import { withWeightBudget } from './modelJsonChecks';
import { readArtifacts } from './modelArtifacts';
// Layers that models imported from Keras use; registered before any model file is read.
import '../interchange/kerasLayers';
import { graphAsLayersModel, isGraphModelJson } from '../interchange/graphBase';

/** Loads model.json and its shards; every failure is an EngineError naming the file and the fix. */
export async function loadLayersModelFromFile(modelJsonPath: string): Promise<tf.LayersModel> {
  const artifacts = readArtifacts(modelJsonPath);
  if (isGraphModelJson(artifacts)) return graphAsLayersModel(modelJsonPath, artifacts);
  try {
    return await withWeightBudget(modelJsonPath, artifacts.weightSpecs ?? [], () =>
      tf.loadLayersModel(tf.io.fromMemory(artifacts)),
    );
  } catch (e) {
    if (e instanceof EngineError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    const unknown = /Unknown layer: (\w+)/.exec(message);
    if (unknown) {
      throw new EngineError(
        `${modelJsonPath} uses the layer class "${unknown[1]}", which TensorFlow.js does not provide; custom layers cannot be loaded (no code is ever run from a model file).`,
      );
    }
    const mismatch = /Shape mismatch: \[([\d,]*)\] vs\. \[([\d,]*)\]/.exec(message);
    if (mismatch) throw new EngineError(wrongWeightShape(modelJsonPath, artifacts, mismatch[1], mismatch[2]));
    throw new EngineError(`Could not build the model in ${modelJsonPath}: ${message.split('\n')[0]}`);
  }
}

/** tfjs names only the two shapes; the manifest entry of that shape names the weight (when only one has it). */
function wrongWeightShape(
  modelJsonPath: string,
  artifacts: tf.io.ModelArtifacts,
  needed: string,
  found: string,
): string {
  const candidates = (artifacts.weightSpecs ?? []).filter((w) => w.shape.join(',') === found);
  const which = candidates.length === 1 ? `its weight ${candidates[0].name}` : 'a weight';
  return `Could not load ${modelJsonPath}: ${which} has shape [${found}] but the model needs [${needed}]; the weights belong to another model.`;
}

/** Saves a model into `dir` (created if needed) as model.json + one weights shard. */
export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      writeArtifacts(artifacts, dir);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

export function writeArtifacts(artifacts: tf.io.ModelArtifacts, dir: string): void {
  const data = artifacts.weightData
    ? Buffer.from(
        tf.io.concatenateArrayBuffers(
          Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData],
        ),
      )
    : Buffer.alloc(0);
  const weightsName = `weights-${createHash('sha256').update(data).digest('hex').slice(0, 12)}.bin`;
  writeFileAtomic(path.join(dir, weightsName), data);
  const modelJson = {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: 'transfer-studio',
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [weightsName], weights: artifacts.weightSpecs ?? [] }],
  };
  writeFileAtomic(path.join(dir, 'model.json'), JSON.stringify(modelJson));
  for (const f of fs.readdirSync(dir)) {
    if (/^weights-[0-9a-f]{12}\.bin$/.test(f) && f !== weightsName) fs.rmSync(path.join(dir, f), { force: true });
  }
}

/** Writes to a temporary sibling, flushes, then renames over the target. */
export function writeFileAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      // writeFileSync loops until every byte is written; a single writeSync may write only part of the data
      // on a nearly full disk and return without an error, and the rename would then publish a truncated file.
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing of ours to clean up there
    }
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOSPC'
        ? 'the disk is full'
        : code === 'EACCES' || code === 'EROFS' || code === 'EPERM'
          ? 'the folder is not writable'
          : (e as Error).message;
    throw new EngineError(`Could not save ${file}: ${why}. The previous version is untouched.`);
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}
