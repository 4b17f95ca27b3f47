// When the base is frozen up to the cut and augmentation is off, its output for an image never changes:
// the base runs once per image and the head trains on the stored vectors (what Teachable Machine and ml5
// do). Vectors are stored on disk keyed by the image's content and by everything that shapes the output
// (base model files, cut layer, pooling, preprocessing), so a second run on unchanged data skips the base.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Preprocessing, ProgressEvent } from '../../shared/engineTypes';
import { decodeBatch, type SkipList } from '../data/batchStream';
import { mapLimited } from '../../shared/mapLimited';
import type { Sample } from '../../shared/split';
import { throwIfCancelled, type CancelSignal } from '../../shared/engineError';
import { writeFileAtomic } from '../models/modelFiles';
import { contentHash } from '../io/contentHash';
import { FeaturePool, type WorkerSpec } from '../parallel/featurePool';
import { startFrozenRunner, type FrozenRuntimePreference } from '../runtime/frozenRuntime';
import type * as tf from '../tf';
import type { BaseModel } from '../models/baseModel';

export interface FeatureCacheKey {
  baseKey: string;
  layer: string;
  /** Weightless layers folded into the cached output, e.g. "avg" pooling. */
  pooling: string;
  preprocessing: Preprocessing;
}

/** The folder of one cut's cached outputs: the key is hashed as it always was, so existing caches stay warm. */
export function cacheFolder(cacheDir: string, key: FeatureCacheKey): string {
  const id = createHash('sha256')
    .update(JSON.stringify([key.baseKey, key.layer, key.pooling, key.preprocessing]))
    .digest('hex')
    .slice(0, 16);
  return path.join(cacheDir, 'features', id);
}

/** What a worker thread needs to rebuild the same frozen feature model. */
function parallelSpec(modelJsonPath: string, featureLayer: string, pooling: string, prep: Preprocessing): WorkerSpec {
  return {
    modelJsonPath,
    featureLayer,
    pooling: pooling as WorkerSpec['pooling'],
    inputShape: [prep.size[0], prep.size[1], prep.channels],
  };
}

export interface ExtractOptions {
  samples: readonly Sample[];
  model: tf.LayersModel;
  prep: Preprocessing;
  folder: string;
  batchSize: number;
  skips: SkipList;
  signal: CancelSignal;
  emit: (e: ProgressEvent) => void;
  /** Where worker threads can load the same base from, to share the work across cores. */
  parallel?: WorkerSpec;
  /** Which runtime computes the frozen part (default: frozenRuntime.ts's choice). */
  runtime?: FrozenRuntimePreference;
}

/** A frozen model up to a cut: what keys its cached outputs, and where worker threads can load its base. */
export interface FrozenCut extends FeatureCacheKey {
  /** From the base's input to the cut, pooling included. */
  model: tf.LayersModel;
  /** The base's model.json for worker threads; without it one thread computes the features. */
  modelJsonPath?: string;
}

/** The cut `model` of a loaded base, keyed by the base's files and preprocessing. */
export function baseCut(base: BaseModel, model: tf.LayersModel, layer: string, pooling: string): FrozenCut {
  const { contentKey: baseKey, modelJsonPath } = base.resolved;
  return { model, baseKey, modelJsonPath, layer, pooling, preprocessing: base.description.preprocessing };
}

export type CutOptions = Omit<ExtractOptions, 'model' | 'prep' | 'folder' | 'parallel'> & { cacheDir: string };

/** The cut's output for every decodable sample, cached under `cacheDir` in the folder of this cut. */
export async function featuresAtCut(cut: FrozenCut, { cacheDir, ...o }: CutOptions) {
  const folder = cacheFolder(cacheDir, cut);
  const { modelJsonPath: json, layer, pooling, preprocessing: prep } = cut;
  const parallel = json === undefined ? undefined : parallelSpec(json, layer, pooling, prep);
  return { folder, ...(await cachedFeatures({ ...o, model: cut.model, prep, folder, parallel })) };
}

/** Features for every decodable sample: from the cache where present, computed (and stored) otherwise. */
export async function cachedFeatures(
  o: ExtractOptions,
): Promise<{ features: Map<string, Float32Array>; hits: number; misses: number; runtime?: string }> {
  fs.mkdirSync(o.folder, { recursive: true });
  const dims = (o.model.outputs[0].shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
  const keys = await mapLimited(o.samples, 16, (s) => contentHash(s.path));
  const features = new Map<string, Float32Array>();
  const missing: { sample: Sample; key: string }[] = [];
  o.samples.forEach((sample, i) => {
    const file = path.join(o.folder, `${keys[i]}.f32`);
    // Only a regular file of exactly the expected size is read: anything else in the cache is recomputed.
    const st = fs.statSync(file, { throwIfNoEntry: false });
    const stored = st?.isFile() && st.size === dims * 4 ? fs.readFileSync(file) : undefined;
    if (stored && stored.length === dims * 4)
      features.set(
        sample.path,
        new Float32Array(stored.buffer.slice(stored.byteOffset, stored.byteOffset + stored.length)),
      );
    else missing.push({ sample, key: keys[i] });
  });
  const total = missing.length;
  o.emit({
    kind: 'stage',
    stage: 'caching-features',
    done: 0,
    total,
    message: `${features.size} cached, ${total} to compute`,
  });
  if (total === 0) return { features, hits: o.samples.length, misses: 0 };
  // The base is frozen here by definition, so its BatchNorm layers can be folded into the convolutions.
  const base = await startFrozenRunner(o.model, o.runtime);
  // Threads pay off only beyond a couple of batches: each one loads the base and its WASM module first.
  const pool =
    base.shardAcrossWorkers && o.parallel && missing.length > 2 * o.batchSize
      ? await FeaturePool.start(o.parallel)
      : undefined;
  const local = (pixels: Float32Array, n: number) => base.run(pixels, n);
  o.emit({ kind: 'log', level: 'info', message: `Feature extraction: ${base.detail}` });
  if (pool) o.emit({ kind: 'log', level: 'info', message: `Feature extraction on ${pool.threads} threads` });
  try {
    await extractMissing(
      o,
      missing,
      features,
      (pixels, n) => (pool ? pool.run(pixels, n, local) : local(pixels, n)),
      dims,
    );
  } finally {
    await base.dispose();
    await pool?.dispose();
  }
  return { features, hits: o.samples.length - total, misses: total, runtime: base.detail };
}

async function extractMissing(
  o: ExtractOptions,
  missing: { sample: Sample; key: string }[],
  features: Map<string, Float32Array>,
  predict: (pixels: Float32Array, n: number) => Promise<Float32Array>,
  dims: number,
): Promise<void> {
  const total = missing.length;
  let next =
    total > 0
      ? decodeBatch(
          missing.slice(0, o.batchSize).map((m) => m.sample),
          o.prep,
          o.skips,
        )
      : undefined;
  for (let i = 0; i < total; i += o.batchSize) {
    throwIfCancelled(o.signal);
    const batch = await next!;
    // Decode the next batch while the base runs on this one.
    next =
      i + o.batchSize < total
        ? decodeBatch(
            missing.slice(i + o.batchSize, i + 2 * o.batchSize).map((m) => m.sample),
            o.prep,
            o.skips,
          )
        : undefined;
    if (batch.samples.length === 0) continue;
    const data = await predict(batch.pixels, batch.samples.length);
    const keyOf = new Map(missing.slice(i, i + o.batchSize).map((m) => [m.sample.path, m.key]));
    batch.samples.forEach((s, k) => {
      const vector = data.slice(k * dims, (k + 1) * dims);
      features.set(s.path, vector);
      writeFileAtomic(path.join(o.folder, `${keyOf.get(s.path)}.f32`), Buffer.from(vector.buffer));
    });
    o.emit({ kind: 'stage', stage: 'caching-features', done: Math.min(total, i + o.batchSize), total });
  }
}
