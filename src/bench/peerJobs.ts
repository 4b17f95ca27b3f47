// Our side of the jobs `npm run bench -- --native` compares with the peers (peerFigures.ts): extraction of
// every image into a cold cache and fine-tuning of MobileNetV2's top, with the multiply-adds each job needs.
import fs from 'node:fs';
import path from 'node:path';
import { neverCancelled } from '../shared/engineError';
import { imageInput } from '../shared/inputSpec';
import { DEFAULT_BASE } from '../shared/recipeDefaults';
import type { Sample } from '../shared/split';
import { SkipList } from '../trainer/data/batchStream';
import { withBaseAtCut } from '../trainer/models/baseAtCut';
import { splitBelowTrainable } from '../trainer/models/frozenSplit';
import type { FrozenRuntimePreference } from '../trainer/runtime/frozenRuntime';
import * as tf from '../trainer/tf';
import { activationsBelowTop } from '../trainer/train/cachedTop';
import { baseCut, featuresAtCut } from '../trainer/train/featureCache';
import { fitDataParallel } from '../trainer/train/parallelFit';
import { timed } from './measure';

export const PREP = { size: [224, 224] as [number, number], channels: 3 as const, scale: 'unit' as const };
/** The second phase of the Keras guide's recipe on MobileNetV2: block_15_expand and above train. */
export const UNFREEZE_FROM = 'block_15_expand';
export const FREEZE_UP_TO = 'block_14_add';
export const BATCH = 16;
export const EXTRACT_BATCH = 32;
export const FINE_TUNE_RATE = 1e-5;

/** What one job cost: seconds, and the multiply-adds it has to do at least (see `jobMacs`). */
export interface JobResult {
  seconds: number;
  macs: number;
  /** The backend the job ran on, when a child ran it (tfjs-node must say `tensorflow`). */
  backend?: string;
  /** Which runtime computed the frozen part (the feature cache's log line). */
  runtime?: string;
}

/** Class folders as samples, every PNG of every class. */
export function samplesOf(dir: string): Sample[] {
  const classes = fs
    .readdirSync(dir)
    .filter((c) => fs.statSync(path.join(dir, c)).isDirectory())
    .sort();
  return classes.flatMap((c, label) =>
    fs
      .readdirSync(path.join(dir, c))
      .filter((n) => n.endsWith('.png'))
      .sort()
      .map((n) => ({ path: path.join(dir, c, n), label })),
  );
}

/** Multiply-adds of one forward pass of one image through `layers` (conv, depthwise conv and dense only). */
export function forwardMacs(layers: readonly tf.layers.Layer[]): number {
  let macs = 0;
  for (const l of layers) {
    const cls = l.getClassName();
    if (cls !== 'Conv2D' && cls !== 'DepthwiseConv2D' && cls !== 'Dense') continue;
    const kernel = l.weights[0].shape as number[];
    const out = l.outputShape as (number | null)[];
    const positions = cls === 'Dense' ? 1 : (out[1] ?? 0) * (out[2] ?? 0);
    macs += positions * kernel.reduce((a, b) => a * b, 1);
  }
  return macs;
}

/** Features at out_relu with average pooling for every image, decoding included, into a cold cache. */
export async function ourExtraction(
  dir: string,
  cacheDir: string,
  runtime?: FrozenRuntimePreference,
): Promise<JobResult> {
  const samples = samplesOf(dir);
  const choice = { defaultLayer: 'out_relu', classes: 2, seed: 1 };
  return withBaseAtCut(DEFAULT_BASE, cacheDir, choice, async ({ base, model: tm }) => {
    const cut = baseCut(base, tm.features, 'out_relu', tm.pooling);
    const t = await timed(() =>
      featuresAtCut(cut, {
        cacheDir: path.join(cacheDir, `peer-extract-${Date.now()}`),
        samples,
        batchSize: EXTRACT_BATCH,
        skips: new SkipList(),
        signal: neverCancelled,
        emit: () => undefined,
        runtime,
      }),
    );
    return { seconds: t.seconds, macs: samples.length * forwardMacs(tm.features.layers), runtime: t.value.runtime };
  });
}

/**
 * The second phase as the product runs it: the layers below block_15_expand once per image into a cold
 * cache (decoding included), then `epochs` epochs of the top at batch 16. Minimum work: the frozen part's
 * forward once per image, and forward plus two backward products (≈ 3× forward) of the top per epoch.
 */
export async function ourFineTune(dir: string, epochs: number, cacheDir: string): Promise<JobResult> {
  const samples = samplesOf(dir);
  const classes = new Set(samples.map((s) => s.label)).size;
  const choice = { freeze: { freezeUpTo: FREEZE_UP_TO }, defaultLayer: 'out_relu', classes, seed: 1 };
  return withBaseAtCut(DEFAULT_BASE, cacheDir, choice, async ({ base, model: tm }) => {
    const part = splitBelowTrainable(tm.full);
    if (!part) throw new Error(`No single tensor separates the layers below ${UNFREEZE_FROM} from the rest.`);
    let runtime: string | undefined;
    const t = await timed(async () => {
      const cached = await activationsBelowTop({
        part,
        samples,
        input: imageInput(PREP),
        cacheDir: path.join(cacheDir, `peer-finetune-${Date.now()}`),
        baseKey: 'bench',
        modelJsonPath: base.resolved.modelJsonPath,
        classes,
        batchSize: BATCH,
        seed: 1,
        skips: new SkipList(),
        signal: neverCancelled,
        emit: () => undefined,
      });
      runtime = cached.runtime;
      await fitDataParallel({
        model: part.top,
        which: 'transfer',
        phase: 2,
        epochs,
        learningRate: FINE_TUNE_RATE,
        patience: 0,
        train: cached.source(samples),
        validation: cached.source([]),
        signal: neverCancelled,
        emit: () => undefined,
        afterEpoch: async () => '',
      });
    });
    return {
      seconds: t.seconds,
      macs: samples.length * (forwardMacs(part.bottom.layers) + 3 * epochs * forwardMacs(part.top.layers)),
      runtime,
    };
  });
}

/** Multiply-adds per second of a 1024² float32 matMul on the current backend (one WASM thread), best of 3. */
export async function backendMatmulRate(): Promise<number> {
  const n = 1024;
  const a = tf.randomUniform([n, n]);
  const b = tf.randomUniform([n, n]);
  let best = Infinity;
  for (let i = 0; i < 4; i++) {
    const t = await timed(async () => {
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
    });
    if (i > 0) best = Math.min(best, t.seconds);
  }
  tf.dispose([a, b]);
  return n ** 3 / best;
}
