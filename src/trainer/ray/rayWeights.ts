// Brings a Ray job's trained weights into the engine's own model of the same recipe. The job writes every
// layer's weights by layer name (weights.json + weights.bin, float32, Keras order, which is TF.js's order
// too); the names are the base's and the head's, the same on both sides, so no HDF5 is read here.
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../../shared/engineError';
import * as tf from '../tf';

interface WeightEntry {
  name: string;
  shape: number[];
  offset: number;
}

interface WeightsManifest {
  version: 1;
  bytes: number;
  layers: { layer: string; weights: WeightEntry[] }[];
}

/** weights.json lists names and shapes only; past this it is not one written by the job. */
const MAX_MANIFEST_BYTES = 64 * 2 ** 20;

export function setWeightsByLayerName(model: tf.LayersModel, outDir: string): void {
  const manifestFile = path.join(outDir, 'weights.json');
  const binFile = path.join(outDir, 'weights.bin');
  if (!fs.existsSync(manifestFile) || !fs.existsSync(binFile))
    throw new EngineError(`The Ray job left no trained weights in ${outDir} (weights.json and weights.bin).`);
  if (fs.statSync(manifestFile).size > MAX_MANIFEST_BYTES)
    throw new EngineError(
      `${manifestFile} is larger than ${MAX_MANIFEST_BYTES / 2 ** 20} MiB; it is not a weights list written by the Ray job.`,
    );
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as WeightsManifest;
  const size = fs.statSync(binFile).size;
  if (manifest.bytes !== size)
    throw new EngineError(
      `${binFile} holds ${size} bytes, but ${manifestFile} lists ${manifest.bytes}: the job's output is incomplete.`,
    );
  const byLayer = new Map(manifest.layers.map((l) => [l.layer, l.weights]));
  const fd = fs.openSync(binFile, 'r');
  try {
    for (const layer of model.layers) {
      const mine = layer.getWeights();
      if (mine.length === 0) continue;
      const theirs = byLayer.get(layer.name);
      if (!theirs || theirs.length !== mine.length) {
        throw new EngineError(
          `The Ray job's weights have ${theirs ? `${theirs.length} tensors` : 'nothing'} for layer "${layer.name}", which has ${mine.length} in the engine's model.`,
        );
      }
      const values = theirs.map((w, i) => {
        const count = w.shape.reduce((a, b) => a * b, 1);
        if (w.shape.join() !== mine[i].shape.join()) {
          throw new EngineError(
            `The Ray job's ${w.name} has shape [${w.shape}], the engine's ${layer.name} weight ${i} [${mine[i].shape}].`,
          );
        }
        if (!Number.isSafeInteger(w.offset) || w.offset < 0 || w.offset + count * 4 > size)
          throw new EngineError(`${manifestFile}: ${w.name} lies outside ${binFile}.`);
        const buf = Buffer.alloc(count * 4);
        fs.readSync(fd, buf, 0, buf.length, w.offset);
        return tf.tensor(new Float32Array(buf.buffer, buf.byteOffset, count), w.shape);
      });
      layer.setWeights(values);
      tf.dispose(values);
    }
  } finally {
    fs.closeSync(fd);
  }
}
