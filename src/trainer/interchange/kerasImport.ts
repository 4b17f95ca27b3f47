// Turns a Keras file into a TF.js LayersModel folder in the cache (model.json + weights + metadata.json),
// once per file content, so the rest of the engine (freezing, feature cache, feature threads, predict)
// reads it like any TF.js base.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Preprocessing } from '../../shared/engineTypes';
import { EngineError } from '../../shared/engineError';
import { saveLayersModel, writeJsonAtomic } from '../models/modelFiles';
import * as tf from '../tf';
import { openKerasFile, KerasFileError, type KerasArchive } from './kerasArchive';
import { convertModelConfig, type TfjsModelConfig } from './kerasConfig';
import { ConversionError } from './kerasLayer';
import './kerasLayers';

/** Suffixes that name a Keras model file. */
export const KERAS_FILE_PATTERN = /\.(keras|h5|hdf5)$/i;

/** Part of the cache key: bump it when the conversion changes, so old conversions are not reused. */
const CONVERTER_VERSION = 2;

/** What the importer writes beside the converted model (read by baseResolver as a sidecar). */
export interface KerasImportSidecar {
  title: string;
  preprocessing: Partial<Preprocessing>;
  defaultFeatureLayer?: string;
  credit: string;
  /** Where the model came from: the file and the sha256 of its content. */
  source: { file: string; sha256: string; format: 'keras' | 'h5' };
}

/** Converts (or finds converted) `file` under `cacheDir/keras/`; returns the folder holding model.json. */
export async function importKerasFile(file: string, cacheDir: string): Promise<string> {
  const sha256 = hashFile(file);
  const dir = path.join(cacheDir, 'keras', `${sha256.slice(0, 16)}-v${CONVERTER_VERSION}`);
  if (fs.existsSync(path.join(dir, 'metadata.json'))) return dir;
  let archive: KerasArchive;
  try {
    archive = await openKerasFile(file);
  } catch (e) {
    if (e instanceof KerasFileError) throw new EngineError(e.message);
    throw e;
  }
  try {
    const config = convertOrExplain(file, archive.config);
    const model = await buildModel(file, config);
    try {
      setStoredWeights(file, model, archive);
      const tmp = `${dir}.${process.pid}.tmp`;
      fs.rmSync(tmp, { recursive: true, force: true });
      await saveLayersModel(model, tmp);
      const sidecar: KerasImportSidecar = {
        title: `${path.basename(file)} (Keras ${archive.format === 'keras' ? '3' : '.h5'})`,
        preprocessing: { scale: scaleOf(config) },
        defaultFeatureLayer: featureLayer(config),
        credit: `Imported from ${file}`,
        source: { file, sha256, format: archive.format },
      };
      writeJsonAtomic(path.join(tmp, 'metadata.json'), sidecar);
      // Publish the finished folder in one step: a crash leaves only a .tmp folder, never half a model.
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(tmp, dir);
    } finally {
      model.dispose();
    }
  } finally {
    archive.close();
  }
  return dir;
}

function convertOrExplain(file: string, raw: unknown): TfjsModelConfig {
  // A .keras config.json is the model itself; an .h5 model_config too (Keras 2 and 3 alike).
  try {
    return convertModelConfig(raw);
  } catch (e) {
    if (e instanceof ConversionError) throw new EngineError(`Cannot import ${file}: ${e.message}.`);
    throw e;
  }
}

async function buildModel(file: string, config: TfjsModelConfig): Promise<tf.LayersModel> {
  try {
    return await tf.models.modelFromJSON({
      modelTopology: { model_config: config } as unknown as tf.io.ModelJSON['modelTopology'],
    } as tf.io.ModelJSON);
  } catch (e) {
    throw new EngineError(
      `Cannot import ${file}: TensorFlow.js could not build its converted model (${(e as Error).message.split('\n')[0]}).`,
    );
  }
}

function setStoredWeights(file: string, model: tf.LayersModel, archive: KerasArchive): void {
  for (const layer of model.layers) {
    let stored;
    try {
      stored = archive.weightsOf(layer.name);
    } catch (e) {
      if (e instanceof KerasFileError) throw new EngineError(e.message);
      throw e;
    }
    const wanted = layer.weights;
    if (stored.length !== wanted.length) {
      throw new EngineError(
        `Cannot import ${file}: layer "${layer.name}" (${layer.getClassName()}) has ${stored.length} stored weights, its converted layer needs ${wanted.length}.`,
      );
    }
    const tensors = stored.map((w, i) => {
      const shape = wanted[i].shape;
      if (w.values.length !== shape.reduce((a: number, b) => a * (b ?? 1), 1)) {
        throw new EngineError(
          `Cannot import ${file}: weight ${i} of layer "${layer.name}" has shape [${w.shape.join(',')}], the layer needs [${shape.join(',')}].`,
        );
      }
      return tf.tensor(w.values, shape as number[], 'float32');
    });
    if (tensors.length) layer.setWeights(tensors);
    tf.dispose(tensors);
  }
}

/** A model that starts by rescaling takes raw 0–255 pixels; otherwise the Keras convention [-1, 1]. */
function scaleOf(config: TfjsModelConfig): Preprocessing['scale'] {
  const first = config.config.layers.find((l) => l.class_name !== 'InputLayer');
  return first?.class_name === 'Rescaling' || first?.class_name === 'KerasNormalization' ? 'raw' : 'symmetric';
}

/**
 * The layer whose output the classifier pools: the input of the last global pooling, else of the last
 * Flatten; a model without either (include_top=False, pooling=None) is all features: its output layer.
 */
function featureLayer(config: TfjsModelConfig): string | undefined {
  const layers = config.config.layers;
  const pools = layers.filter((l) => /GlobalAveragePooling2D|GlobalMaxPooling2D/.test(l.class_name));
  const chosen = pools.length ? pools : layers.filter((l) => l.class_name === 'Flatten');
  return chosen[chosen.length - 1]?.inbound_nodes[0]?.[0]?.[0] ?? config.config.output_layers[0]?.[0];
}

function hashFile(file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(4 * 1024 * 1024);
    let n: number;
    while ((n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0) hash.update(chunk.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}
