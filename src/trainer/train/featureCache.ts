// When the base is frozen up to the cut and augmentation is off, its output for an example never changes:
// the base runs once per example and the head trains on the stored vectors (what Teachable Machine and ml5
// do). Vectors are stored on disk keyed by the example's content and by everything that shapes the output
// (base model files, cut layer, pooling, and what the kind of data adds: an image's preprocessing, a text's
// tokenizer and fitted state), so a second run on unchanged data skips the base. The module of the input's
// kind decodes the examples and names them (data/kinds/).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ProgressEvent } from '../../shared/engineTypes';
import { imageInput, type KindInput } from '../../shared/inputSpec';
import type { SkipList } from '../data/batchStream';
import type { DataKind, InputArray } from '../data/kinds/dataKind';
import { dataKind } from '../data/kinds/registry';
import { mapLimited } from '../../shared/mapLimited';
import type { Sample } from '../../shared/split';
import { throwIfCancelled, type CancelSignal } from '../../shared/engineError';
import { writeFileAtomic } from '../models/modelFiles';
import { FeaturePool, type WorkerSpec } from '../parallel/featurePool';
import { startFrozenRunner, type FrozenRuntimePreference } from '../runtime/frozenRuntime';
import type * as tf from '../tf';
import type { BaseModel } from '../models/baseModel';

export interface FeatureCacheKey {
  baseKey: string;
  layer: string;
  /** Weightless layers folded into the cached output, e.g. "avg" pooling. */
  pooling: string;
  /** The base's input: its kind's module adds its key parts and decodes the examples. */
  input: KindInput;
}

/**
 * What names one cut's cached outputs: [baseKey, layer, pooling, ...the kind's parts]. For images that is
 * the JSON it always was (the preprocessing {size, channels, scale}), so existing caches stay warm.
 */
export function cacheKeyText(key: FeatureCacheKey): string {
  return JSON.stringify([key.baseKey, key.layer, key.pooling, ...dataKind(key.input).cacheKeyParts(key.input)]);
}

/** The folder of one cut's cached outputs. */
export function cacheFolder(cacheDir: string, key: FeatureCacheKey): string {
  const id = createHash('sha256').update(cacheKeyText(key)).digest('hex').slice(0, 16);
  return path.join(cacheDir, 'features', id);
}

/** What a worker thread needs to rebuild the same frozen feature model. */
function parallelSpec(modelJsonPath: string, featureLayer: string, pooling: string, input: KindInput): WorkerSpec {
  return {
    modelJsonPath,
    featureLayer,
    pooling: pooling as WorkerSpec['pooling'],
    inputs: dataKind(input).inputs(input),
  };
}

export interface ExtractOptions {
  samples: readonly Sample[];
  model: tf.LayersModel;
  /** The examples' input spec: its kind's module decodes them and names their cached vectors. */
  input: KindInput;
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

/** The cut `model` of a loaded base, keyed by the base's files and input. */
export function baseCut(base: BaseModel, model: tf.LayersModel, layer: string, pooling: string): FrozenCut {
  const { contentKey: baseKey, modelJsonPath } = base.resolved;
  return { model, baseKey, modelJsonPath, layer, pooling, input: imageInput(base.description.preprocessing) };
}

export type CutOptions = Omit<ExtractOptions, 'model' | 'input' | 'folder' | 'parallel'> & { cacheDir: string };

/** The cut's output for every decodable sample, cached under `cacheDir` in the folder of this cut. */
export async function featuresAtCut(cut: FrozenCut, { cacheDir, ...o }: CutOptions) {
  const folder = cacheFolder(cacheDir, cut);
  const { modelJsonPath: json, layer, pooling, input } = cut;
  const parallel = json === undefined ? undefined : parallelSpec(json, layer, pooling, input);
  return { folder, ...(await cachedFeatures({ ...o, model: cut.model, input, folder, parallel })) };
}

/** Features for every decodable sample: from the cache where present, computed (and stored) otherwise. */
export async function cachedFeatures(
  o: ExtractOptions,
): Promise<{ features: Map<string, Float32Array>; hits: number; misses: number; runtime?: string }> {
  fs.mkdirSync(o.folder, { recursive: true });
  const dims = (o.model.outputs[0].shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
  const kind = dataKind(o.input);
  const keys = await mapLimited(o.samples, 16, (s) => kind.exampleKey(s));
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
  const local = (inputs: readonly InputArray[]) => base.run(inputs);
  o.emit({ kind: 'log', level: 'info', message: `Feature extraction: ${base.detail}` });
  if (pool) o.emit({ kind: 'log', level: 'info', message: `Feature extraction on ${pool.threads} threads` });
  try {
    await extractMissing(
      o,
      kind,
      missing,
      features,
      (inputs) => (pool ? pool.run(inputs, local) : local(inputs)),
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
  kind: DataKind<KindInput>,
  missing: { sample: Sample; key: string }[],
  features: Map<string, Float32Array>,
  predict: (inputs: readonly InputArray[]) => Promise<Float32Array>,
  dims: number,
): Promise<void> {
  const total = missing.length;
  const decode = (from: number) =>
    kind.decode(
      missing.slice(from, from + o.batchSize).map((m) => m.sample),
      o.input,
      o.skips,
    );
  let next = total > 0 ? decode(0) : undefined;
  for (let i = 0; i < total; i += o.batchSize) {
    throwIfCancelled(o.signal);
    const batch = await next!;
    // Decode the next batch while the base runs on this one.
    next = i + o.batchSize < total ? decode(i + o.batchSize) : undefined;
    if (batch.samples.length === 0) continue;
    const data = await predict(batch.inputs);
    const keyOf = new Map(missing.slice(i, i + o.batchSize).map((m) => [m.sample.path, m.key]));
    batch.samples.forEach((s, k) => {
      const vector = data.slice(k * dims, (k + 1) * dims);
      features.set(s.path, vector);
      writeFileAtomic(path.join(o.folder, `${keyOf.get(s.path)}.f32`), Buffer.from(vector.buffer));
    });
    o.emit({ kind: 'stage', stage: 'caching-features', done: Math.min(total, i + o.batchSize), total });
  }
}
