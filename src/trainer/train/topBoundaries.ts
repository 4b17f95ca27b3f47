// The automatic fine-tuning trains the top blocks of the kept cut on activations cached below them (issue 29).
// The feature pass that compares the cuts runs the base up to the deepest candidate anyway, so it also stores
// those activations for every candidate cut (cutFeatures.ts): the frozen bottom runs once per image, before
// the budget starts, and fine-tuning afterwards pays only for its epochs. The cache key is what a fine-tune's
// own activation cache uses (cachedTop.ts), so a boundary guessed wrong costs a recomputation, never a mix-up.
import fs from 'node:fs';
import path from 'node:path';
import { autoUnfreezeFrom } from '../../shared/autoFlow';
import { TIMED_REPEATS } from '../../shared/fineTuneEstimate';
import { median } from '../../shared/stats';
import { mapLimited } from '../../shared/mapLimited';
import type { LayerInfo } from '../../shared/engineTypes';
import { dataKind } from '../data/kinds/registry';
import { inboundLayerNames } from '../models/layerGraph';
import { writeFileAtomic } from '../models/modelFiles';
import type * as tf from '../tf';
import type { CachedTopOptions } from './cachedTop';
import { cacheFolder } from './featureCache';
import { MAX_CACHED_ACTIVATION_BYTES } from './frozenParts';

/** How a fine-tune's activation cache stores a boundary's output: raw, not pooled (frozenSplit.ts). */
export const RAW_POOLING = 'none';

/**
 * The layer whose output alone crosses from the layers below `from` to the layers from it up to `cut`, as
 * splitBelowTrainable() finds it once `from` and what follows train; undefined when several tensors cross.
 */
export function boundaryBelow(model: tf.LayersModel, from: string, cut: string): string | undefined {
  const { layers } = model;
  const start = layers.findIndex((l) => l.name === from);
  const end = layers.findIndex((l) => l.name === cut);
  if (start < 0 || end < start) return undefined;
  const bottom = new Set<string>();
  layers.forEach((l, i) => {
    if (i < start || (l.weights.length === 0 && inboundLayerNames(l).every((n) => bottom.has(n)))) bottom.add(l.name);
  });
  const crossing = new Set<string>();
  for (const l of layers.slice(0, end + 1))
    if (!bottom.has(l.name)) for (const n of inboundLayerNames(l)) if (bottom.has(n)) crossing.add(n);
  if (crossing.size !== 1) return undefined;
  const [boundary] = crossing;
  return model.getLayer(boundary).getClassName() === 'InputLayer' ? undefined : boundary;
}

/**
 * The boundaries below the automatic fine-tune's top blocks at each candidate cut whose activations for
 * `images` examples would fit in memory (the fine-tune would not cache them otherwise).
 */
export function fineTuneBoundaries(
  model: tf.LayersModel,
  layers: readonly LayerInfo[],
  cuts: readonly string[],
  images: number,
): string[] {
  const out = new Set<string>();
  for (const cut of cuts) {
    const from = autoUnfreezeFrom(layers, cut);
    const boundary = from && boundaryBelow(model, from, cut);
    if (boundary && rawSize(model, boundary) * 4 * images <= MAX_CACHED_ACTIVATION_BYTES) out.add(boundary);
  }
  return [...out];
}

/** Floats in one example's raw output of `layer`. */
export function rawSize(model: tf.LayersModel, layer: string): number {
  return (model.getLayer(layer).outputShape.slice(1) as number[]).reduce((a, b) => a * b, 1);
}

/** Cached files read to time reading them all back. */
const READ_SAMPLE = 16;

/**
 * How many of the samples' activations below the top are already in the cache (no bottom pass for them),
 * and the seconds reading them back will take: naming every example (what the activation cache does
 * first), timed here, and reading the cached files, timed on a few of them; and the seconds storing the
 * others will take once the bottom has computed them.
 */
export async function cachedActivations(
  o: CachedTopOptions,
): Promise<{ cached: number; readSeconds: number; storeSeconds: number }> {
  const { part } = o;
  const folder = cacheFolder(o.cacheDir, {
    baseKey: o.baseKey,
    layer: part.boundary,
    pooling: part.pooling,
    input: o.input,
  });
  const bytes = (part.top.inputs[0].shape.slice(1) as number[]).reduce((a, b) => a * b, 4);
  const kind = dataKind(o.input);
  const t0 = Date.now();
  const keys = await mapLimited(o.samples, 16, (s) => kind.exampleKey(s));
  const keying = (Date.now() - t0) / 1000;
  const files = keys.map((k) => path.join(folder, `${k}.f32`)).filter((f) => storedSize(f) === bytes);
  const sample = files.slice(0, READ_SAMPLE);
  const t1 = Date.now();
  for (const f of sample) fs.readFileSync(f);
  const perFile = sample.length ? (Date.now() - t1) / 1000 / sample.length : 0;
  const missing = o.samples.length - files.length;
  const storeSeconds = missing > 0 ? missing * storeSecondsPerFile(folder, bytes) : 0;
  return { cached: files.length, readSeconds: keying + perFile * files.length, storeSeconds };
}

/**
 * Seconds to store one computed activation the way the cache stores it (written through and synced, which on
 * a busy disk cost more than the bottom pass: 1,433 uncached digits took 55.6 s against 20.4 s estimated from
 * the pass alone); the median of TIMED_REPEATS writes of that size.
 */
function storeSecondsPerFile(folder: string, bytes: number): number {
  fs.mkdirSync(folder, { recursive: true });
  const data = Buffer.alloc(bytes);
  const times: number[] = [];
  for (let i = 0; i < TIMED_REPEATS; i++) {
    const file = path.join(folder, `timing-${process.pid}-${i}.tmp`);
    const t = Date.now();
    writeFileAtomic(file, data);
    times.push((Date.now() - t) / 1000);
    fs.rmSync(file, { force: true });
  }
  return median(times);
}

/** The size of a regular file, else undefined (what the cache readers accept). */
export function storedSize(file: string): number | undefined {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st?.isFile() ? st.size : undefined;
}
