// Writes a run as a Keras 3 `.keras` file: a zip of config.json (kerasConfig.ts), model.weights.h5 (HDF5,
// written with h5wasm in the layout keras/src/saving/saving_lib.py reads: `layers/<class>[_n]/vars/<i>`,
// see kerasLayerOrder.ts) and metadata.json (Keras ignores it on load; ours carries labels and scaling).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { EngineError } from '../../shared/engineError';
import { KERAS_LAYER_CLASSES } from '../interchange/kerasClasses';
import type { ExportGraph, GraphWeight } from './exportGraph';
import { kerasModelConfig } from './kerasConfig';
import type { KerasLayer } from './kerasGraph';
import { kerasWeightPaths } from './kerasLayerOrder';
import { exportMetadata } from './exportMetadata';

/** The Keras release whose file format we write (and test against). */
export const KERAS_FORMAT_VERSION = '3.15.1';

/** The `.keras` file's bytes; nothing is written to the destination here. */
export async function kerasFileBytes(graph: ExportGraph): Promise<Uint8Array> {
  const model = kerasModelConfig(graph);
  const ours = { ...exportMetadata(graph), batch_norm_inference_only: model.inferenceOnlyBatchNorms };
  return kerasArchive(model, ours);
}

/** A written Keras model: its config.json content, its nodes (with their weights) and its output node. */
export interface KerasModel {
  json: Record<string, unknown>;
  layers: KerasLayer[];
  outputName: string;
}

/** The zip of a Keras model: config.json, model.weights.h5 and metadata.json (ours under transfer_studio). */
export async function kerasArchive(model: KerasModel, ours: Record<string, unknown>): Promise<Uint8Array> {
  const paths = kerasWeightPaths(
    model.layers.map((l) => ({ name: l.name, kerasClass: l.kerasClass, parents: l.parents, isLayer: l.isLayer })),
    model.outputName,
  );
  const weights = await weightsFile(model.layers, paths, 'transfer_studio');
  const metadata = { keras_version: KERAS_FORMAT_VERSION, date_saved: new Date().toISOString(), transfer_studio: ours };
  return zipSync(
    {
      'metadata.json': strToU8(JSON.stringify(metadata, null, 2)),
      'config.json': strToU8(JSON.stringify(model.json)),
      'model.weights.h5': weights,
    },
    { level: 0 },
  );
}

/** The variables of a layer in Keras' storage order (its trainable ones, then the others, as built). */
function orderedWeights(layer: KerasLayer): GraphWeight[] {
  const source = layer.source;
  if (!source) return [];
  const expected = KERAS_LAYER_CLASSES[layer.kerasClass]?.weights ?? [];
  const out: GraphWeight[] = [];
  for (const spec of expected) {
    const name = spec.replace(/\?$/, '');
    const w = source.weights.find((x) => x.name === name);
    if (w) out.push(w);
    else if (!spec.endsWith('?')) throw new EngineError(`Layer "${source.name}" has no weight "${name}".`);
  }
  if (out.length !== source.weights.length) {
    const extra = source.weights.filter((w) => !out.includes(w)).map((w) => w.name);
    throw new EngineError(
      `Layer "${source.name}" (${source.className}) has weights Keras does not expect: ${extra.join(', ')}.`,
    );
  }
  return out;
}

async function weightsFile(layers: KerasLayer[], paths: Map<string, string>, modelName: string): Promise<Uint8Array> {
  const h5wasm = await import('h5wasm/node');
  await h5wasm.ready;
  // h5wasm's Node build writes through to the real file system; the file lives only until it is read back.
  const tmp = path.join(os.tmpdir(), `transfer-studio-${process.pid}-${randomUUID()}.weights.h5`);
  try {
    const file = new h5wasm.File(tmp, 'w');
    try {
      file.create_group('vars').create_attribute('name', modelName);
      file.create_group('layers');
      for (const layer of layers) {
        const group = paths.get(layer.name);
        if (!group) continue;
        file.create_group(group);
        const vars = file.create_group(`${group}/vars`);
        vars.create_attribute('name', layer.name);
        orderedWeights(layer).forEach((w, i) => {
          // Keras' Normalization keeps its sample count as an int64 scalar; TF.js as a float.
          if (layer.kerasClass === 'Normalization' && w.name === 'count') {
            vars.create_dataset({
              name: String(i),
              data: BigInt64Array.from([BigInt(Math.round(w.values[0] ?? 0))]),
              shape: [],
              dtype: '<q',
            });
          } else {
            vars.create_dataset({ name: String(i), data: w.values, shape: w.shape, dtype: '<f' });
          }
        });
      }
    } finally {
      file.close();
    }
    return new Uint8Array(fs.readFileSync(tmp));
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
