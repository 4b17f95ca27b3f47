// Pooled features at several cuts of a base from ONE forward pass per image (issue 29): the base runs once up
// to its deepest candidate, the outputs of every candidate are average-pooled and concatenated, and each cut's
// slice is stored in that cut's own cache folder under the same key a single-cut run uses, so a later run
// cut at any of them finds its features cached, and a cut cached before is never recomputed. The same pass
// can keep the base's input average-pooled to about the data's own resolution (the ensemble's pixel branch),
// and the raw activations below the automatic fine-tune's top blocks (topBoundaries.ts), written to the
// cache only: the fine-tune reads them from there when it runs.
import fs from 'node:fs';
import path from 'node:path';
import type { ProgressEvent } from '../../shared/engineTypes';
import type { CancelSignal } from '../../shared/engineError';
import { throwIfCancelled } from '../../shared/engineError';
import type { Sample } from '../../shared/split';
import { imageInput } from '../../shared/inputSpec';
import type { SkipList } from '../data/batchStream';
import { imageKind } from '../data/kinds/image';
import { mapLimited } from '../../shared/mapLimited';
import type { BaseModel } from '../models/baseModel';
import { writeFileAtomic } from '../models/modelFiles';
import { startFrozenRunner } from '../runtime/frozenRuntime';
import * as tf from '../tf';
import { cacheFolder } from './featureCache';
import { RAW_POOLING, rawSize, storedSize } from './topBoundaries';

/** The pooling every candidate cut is stored with (the automatic flow's head pools by average). */
export const CUT_POOLING = 'avg';

export interface CutFeaturesOptions {
  base: BaseModel;
  /** Layers of the base with a [h, w, c] output. */
  cuts: readonly string[];
  samples: readonly Sample[];
  cacheDir: string;
  batchSize: number;
  skips: SkipList;
  signal: CancelSignal;
  emit: (e: ProgressEvent) => void;
  /** Also keep the base's input average-pooled by this [height, width] (stored under pooledInputName). */
  inputPool?: readonly [number, number];
  /** Layers whose raw output is also cached, as a fine-tune's activation cache stores it (not returned). */
  activations?: readonly string[];
}

/** The name the base's pooled input is stored and looked up under (no layer of a base has it). */
export const pooledInputName = (pool: readonly [number, number]) => `input_avg_pool_${pool[0]}x${pool[1]}`;

interface Part {
  layer: string;
  folder: string;
  dims: number;
  /** What the extraction model outputs for it, one row per image. */
  output: () => tf.SymbolicTensor;
  /** Written to the cache only: a hit is a file of the right size, and nothing is held in memory. */
  raw?: boolean;
}

export interface CutFeatures {
  /** Pooled features by cut, then by image path. */
  byCut: Map<string, Map<string, Float32Array>>;
  /** Images whose features at every cut were cached, and images that went through the base. */
  hits: number;
  misses: number;
  runtime?: string;
}

export async function featuresAtCuts(o: CutFeaturesOptions): Promise<CutFeatures> {
  const input = imageInput(o.base.description.preprocessing);
  const baseKey = o.base.resolved.contentKey;
  const folder = (layer: string, pooling = CUT_POOLING) => cacheFolder(o.cacheDir, { baseKey, layer, pooling, input });
  const parts: Part[] = o.cuts.map((layer) => ({
    layer,
    folder: folder(layer),
    dims: o.base.model.getLayer(layer).outputShape[3] as number,
    output: () =>
      tf.layers
        .globalAveragePooling2d({ name: `cut_pool_${layer}` })
        .apply(o.base.model.getLayer(layer).getOutputAt(0) as tf.SymbolicTensor) as tf.SymbolicTensor,
  }));
  if (o.inputPool) parts.push(pooledInput(o.base.model, o.inputPool, folder(pooledInputName(o.inputPool))));
  for (const layer of o.activations ?? []) parts.push(rawOutput(o.base.model, layer, folder(layer, RAW_POOLING)));
  const keys = await mapLimited(o.samples, 16, (s) => imageKind.exampleKey(s));
  const byCut = new Map(parts.filter((p) => !p.raw).map((p) => [p.layer, new Map<string, Float32Array>()]));
  const missing: { sample: Sample; key: string }[] = [];
  o.samples.forEach((sample, i) => {
    const file = (p: Part) => path.join(p.folder, `${keys[i]}.f32`);
    const stored = parts.map((p) => (p.raw ? storedSize(file(p)) === p.dims * 4 : readVector(file(p), p.dims)));
    if (stored.every((v) => v !== undefined && v !== false))
      parts.forEach((p, k) => byCut.get(p.layer)?.set(sample.path, stored[k] as Float32Array));
    else missing.push({ sample, key: keys[i] });
  });
  const total = missing.length;
  o.emit({ kind: 'stage', stage: 'caching-features', done: 0, total, message: `${o.cuts.length} cuts` });
  if (total === 0) return { byCut, hits: o.samples.length, misses: 0 };
  parts.forEach((p) => fs.mkdirSync(p.folder, { recursive: true }));
  const pooled = parts.map((p) => p.output());
  const joined = pooled.length > 1 ? tf.layers.concatenate({ name: 'cut_features' }).apply(pooled) : pooled[0];
  // Weightless layers on the base's own: nothing of this model needs disposing but the runner.
  const model = tf.model({ inputs: o.base.model.inputs, outputs: joined as tf.SymbolicTensor });
  const runner = await startFrozenRunner(model);
  const raw = o.activations?.length ? ` (and the activations of ${o.activations.join(', ')} for fine-tuning)` : '';
  o.emit({ kind: 'log', level: 'info', message: `Feature extraction at ${o.cuts.join(', ')}${raw}: ${runner.detail}` });
  const width = parts.reduce((a, p) => a + p.dims, 0);
  try {
    for (let i = 0; i < total; i += o.batchSize) {
      throwIfCancelled(o.signal);
      const chunk = missing.slice(i, i + o.batchSize);
      const batch = await imageKind.decode(
        chunk.map((m) => m.sample),
        input,
        o.skips,
      );
      if (batch.samples.length === 0) continue;
      const data = await runner.run(batch.inputs);
      const keyOf = new Map(chunk.map((m) => [m.sample.path, m.key]));
      batch.samples.forEach((s, k) => {
        let offset = k * width;
        for (const p of parts) {
          const vector = data.slice(offset, offset + p.dims);
          offset += p.dims;
          byCut.get(p.layer)?.set(s.path, vector);
          writeFileAtomic(path.join(p.folder, `${keyOf.get(s.path)}.f32`), Buffer.from(vector.buffer));
        }
      });
      o.emit({ kind: 'stage', stage: 'caching-features', done: Math.min(total, i + o.batchSize), total });
    }
  } finally {
    await runner.dispose();
  }
  return { byCut, hits: o.samples.length - total, misses: total, runtime: runner.detail };
}

/** The base's input average-pooled by `pool` and flattened (height, width, channels: TF.js's order). */
function pooledInput(base: tf.LayersModel, pool: readonly [number, number], folder: string): Part {
  const [, h, w, c] = base.inputs[0].shape as number[];
  const side = (n: number, k: number) => Math.floor(n / k);
  return {
    layer: pooledInputName(pool),
    folder,
    dims: side(h, pool[0]) * side(w, pool[1]) * c,
    output: () => {
      const avg = tf.layers.averagePooling2d({ poolSize: [...pool], strides: [...pool], name: 'cut_input_pool' });
      return tf.layers.flatten({ name: 'cut_input_flat' }).apply(avg.apply(base.inputs[0])) as tf.SymbolicTensor;
    },
  };
}

/** The raw output of `layer`, flattened (height, width, channels: what the activation cache stores). */
function rawOutput(base: tf.LayersModel, layer: string, folder: string): Part {
  return {
    layer,
    folder,
    dims: rawSize(base, layer),
    raw: true,
    output: () =>
      tf.layers
        .flatten({ name: `cut_raw_${layer}` })
        .apply(base.getLayer(layer).getOutputAt(0) as tf.SymbolicTensor) as tf.SymbolicTensor,
  };
}

/** A cached vector when the file is a regular file of exactly the expected size. */
function readVector(file: string, dims: number): Float32Array | undefined {
  if (storedSize(file) !== dims * 4) return undefined;
  const b = fs.readFileSync(file);
  return b.length === dims * 4 ? new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)) : undefined;
}
