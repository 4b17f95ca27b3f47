// `npm run bench -- --native`: the same two jobs done by what a user would run instead of Transfer Studio —
// a plain Keras 3 script (peers/keras_finetune.py, run by TRANSFER_STUDIO_PYTHON) and tfjs-node (native
// TensorFlow, when it loads) — beside ours, each with the share of the machine's peak multiply-add rate.
// A peer that cannot run is a row saying why, never a silent gap.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { neverCancelled } from '../shared/engineError';
import { resolveFreezePlan } from '../shared/freezePlan';
import { DEFAULT_BASE } from '../shared/recipeDefaults';
import type { Sample } from '../shared/split';
import { SkipList } from '../trainer/data/batchStream';
import { loadBase } from '../trainer/models/baseModel';
import { disposeModels } from '../trainer/models/disposeModels';
import { splitBelowTrainable } from '../trainer/models/frozenSplit';
import { buildTransferModel } from '../trainer/models/transferModel';
import { extraThreads } from '../trainer/parallel/featurePool';
import type { FrozenRuntimePreference } from '../trainer/runtime/frozenRuntime';
import * as tf from '../trainer/tf';
import { activationsBelowTop } from '../trainer/train/cachedTop';
import { cacheFolder, cachedFeatures, parallelSpec } from '../trainer/train/featureCache';
import { fitDataParallel } from '../trainer/train/parallelFit';
import { runtimeComparison } from './frozenRuntimeFigures';
import { faster, timed, type Figure } from './measure';
import { builtTfjsNode, tfjsNodeBuildDir } from './tfjsNodeBuild';

const run = promisify(execFile);
const PREP = { size: [224, 224] as [number, number], channels: 3 as const, scale: 'unit' as const };
/** The second phase of the Keras guide's recipe on MobileNetV2: block_15_expand and above train. */
export const UNFREEZE_FROM = 'block_15_expand';
const FREEZE_UP_TO = 'block_14_add';
const BATCH = 16;
const EXTRACT_BATCH = 32;
const FINE_TUNE_RATE = 1e-5;

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
  const base = await loadBase(DEFAULT_BASE, cacheDir);
  const plan = resolveFreezePlan(base.description.layers, {}, 'out_relu');
  const tm = buildTransferModel(base.model, plan, { pooling: 'avg' }, 2, 1);
  try {
    const folder = cacheFolder(path.join(cacheDir, `peer-extract-${Date.now()}`), {
      baseKey: 'bench',
      layer: 'out_relu',
      pooling: 'avg',
      preprocessing: PREP,
    });
    const parallel = parallelSpec(base.resolved.modelJsonPath, 'out_relu', tm.pooling, PREP);
    const t = await timed(() =>
      cachedFeatures({
        samples,
        model: tm.features,
        prep: PREP,
        folder,
        batchSize: EXTRACT_BATCH,
        skips: new SkipList(),
        signal: neverCancelled,
        emit: () => undefined,
        parallel,
        runtime,
      }),
    );
    return { seconds: t.seconds, macs: samples.length * forwardMacs(tm.features.layers), runtime: t.value.runtime };
  } finally {
    disposeModels([tm.head, tm.features, tm.full, base.model]);
  }
}

/**
 * The second phase as the product runs it: the layers below block_15_expand once per image into a cold
 * cache (decoding included), then `epochs` epochs of the top at batch 16. Minimum work: the frozen part's
 * forward once per image, and forward plus two backward products (≈ 3× forward) of the top per epoch.
 */
export async function ourFineTune(dir: string, epochs: number, cacheDir: string): Promise<JobResult> {
  const samples = samplesOf(dir);
  const classes = new Set(samples.map((s) => s.label)).size;
  const base = await loadBase(DEFAULT_BASE, cacheDir);
  const plan = resolveFreezePlan(base.description.layers, { freezeUpTo: FREEZE_UP_TO }, 'out_relu');
  const tm = buildTransferModel(base.model, plan, { pooling: 'avg' }, classes, 1);
  try {
    const part = splitBelowTrainable(tm.full);
    if (!part) throw new Error(`No single tensor separates the layers below ${UNFREEZE_FROM} from the rest.`);
    let runtime: string | undefined;
    const t = await timed(async () => {
      const cached = await activationsBelowTop({
        part,
        samples,
        prep: PREP,
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
  } finally {
    disposeModels([tm.head, tm.features, tm.full, base.model]);
  }
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

/** A peer's answer, or why there is none. */
type PeerRun<T> = { ok: true; value: T } | { ok: false; reason: string };

interface KerasJob {
  seconds: number;
  macs?: number;
  keras?: string;
  tensorflow?: string;
}

/** Runs peers/keras_finetune.py with TRANSFER_STUDIO_PYTHON; the last stdout line is its JSON. */
export async function kerasJob(args: string[]): Promise<PeerRun<KerasJob>> {
  const python = process.env.TRANSFER_STUDIO_PYTHON;
  if (!python) return { ok: false, reason: 'TRANSFER_STUDIO_PYTHON is not set' };
  const script = path.resolve(__dirname, '../src/bench/peers/keras_finetune.py');
  if (!fs.existsSync(script)) return { ok: false, reason: `${script} is missing` };
  try {
    const { stdout } = await run(python, [script, ...args], {
      maxBuffer: 16 * 2 ** 20,
      env: { ...process.env, KERAS_BACKEND: 'tensorflow', TF_CPP_MIN_LOG_LEVEL: '2' },
    });
    return { ok: true, value: JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as KerasJob };
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return { ok: false, reason: (err.stderr?.trim().split('\n').at(-1) ?? err.message).slice(0, 160) };
  }
}

const runtimeRequire = createRequire(__filename);

/** Runs one job of ours in a child bench process on the tensorflow backend (tfjs-node), or says why not. */
export async function tfjsNodeJob(
  job: 'extract' | 'finetune',
  dir: string,
  epochs: number,
  cacheDir: string,
): Promise<PeerRun<JobResult>> {
  // TensorFlow spreads its ops over every core itself: no WASM feature threads beside it in the peer's run.
  const env: NodeJS.ProcessEnv = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2', TRANSFER_STUDIO_THREADS: '1' };
  try {
    runtimeRequire.resolve('@tensorflow/tfjs-node');
  } catch {
    // Not installed: a build from source for measuring (scripts/build-tfjs-node.ts), found through NODE_PATH.
    const built = builtTfjsNode(tfjsNodeBuildDir());
    if (!built.ok)
      return {
        ok: false,
        reason: `@tensorflow/tfjs-node is not installed, nor built (${built.reason}; to build it for measuring: nice node --import tsx scripts/build-tfjs-node.ts)`,
      };
    env.NODE_PATH = built.nodePath;
  }
  try {
    const { stdout } = await run(
      process.execPath,
      [__filename, '--tfjs-node-job', job, dir, String(epochs), cacheDir],
      { maxBuffer: 16 * 2 ** 20, env },
    );
    return { ok: true, value: JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as JobResult };
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return { ok: false, reason: (err.stderr?.trim().split('\n').at(-1) ?? err.message).slice(0, 160) };
  }
}

/** The share of the peak multiply-add rate a job reached, as a note. */
function share(macs: number, seconds: number, peak: number): string {
  return `${((100 * macs) / seconds / peak).toFixed(1)}% of peak`;
}

function missing(name: string, reason: string): Figure {
  return { name, ours: NaN, baseline: NaN, unit: 's', ratio: NaN, note: `peer missing: ${reason}` };
}

export interface PeerData {
  /** sklearn's 1,797 digits as class folders of 8×8 PNGs. */
  digits: string;
  /** The fine-tuning set: 3 classes of the same digits. */
  three: string;
  epochs: number;
  cacheDir: string;
  model: string;
  /** Which jobs to run (both by default; `--peer-jobs finetune` on a busy machine). */
  jobs: ('extract' | 'finetune')[];
}

/** All peer rows: the peak first (how it was measured), then extraction and fine-tuning against each peer. */
export async function peerFigures(d: PeerData, log: (s: string) => void): Promise<Figure[]> {
  const wasmPeak = await backendMatmulRate();
  const kerasPeak = await kerasJob(['peak']);
  const tfPeak = kerasPeak.ok && kerasPeak.value.macs ? kerasPeak.value.macs / kerasPeak.value.seconds : undefined;
  const peak = Math.max(wasmPeak, tfPeak ?? 0);
  const g = (x: number) => x / 1e9;
  const figures: Figure[] = [
    {
      name: 'peak multiply-add rate: 1024² matMul on our WASM (1 thread) vs 2048² TF matmul (all cores)',
      ours: g(wasmPeak),
      baseline: tfPeak ? g(tfPeak) : NaN,
      unit: 'GMAC/s',
      ratio: tfPeak ? wasmPeak / tfPeak : NaN,
      note: `peak = the larger, ${g(peak).toFixed(1)} GMAC/s${tfPeak ? '' : `; TF peak missing: ${kerasPeak.ok ? 'no figure' : kerasPeak.reason}`}`,
    },
  ];
  const images = samplesOf(d.digits).length;
  const threads = extraThreads() + 1;
  if (d.jobs.includes('extract')) figures.push(...(await extractionRows(d, images, peak, threads, log)));
  if (d.jobs.includes('finetune')) figures.push(...(await fineTuneRows(d, peak, log)));
  return figures;
}

async function extractionRows(
  d: PeerData,
  images: number,
  peak: number,
  threads: number,
  log: (s: string) => void,
): Promise<Figure[]> {
  const figures: Figure[] = [];
  log(`  ours: extraction of ${images} images`);
  const ex = await ourExtraction(d.digits, d.cacheDir);
  const exName = (peer: string) => `extraction, ${images} sklearn digit PNGs at 224×224, cold cache, vs ${peer}`;
  figures.push(await runtimeComparison(exName('our WASM frozen part'), d, ex, log));
  log('  keras: extraction');
  const kx = await kerasJob(['extract', '--data', d.digits, '--model', d.model, '--batch', String(EXTRACT_BATCH)]);
  figures.push(
    kx.ok
      ? faster(
          exName('Keras script'),
          ex.seconds,
          kx.value.seconds,
          1.5,
          `ours: ${ex.runtime}, ${threads} core(s), ${share(ex.macs, ex.seconds, peak)}; Keras ${share(ex.macs, kx.value.seconds, peak)}, decoding ${(kx.value as KerasJob & { decodeSeconds?: number }).decodeSeconds?.toFixed(1)} s of it`,
        )
      : missing(exName('Keras script'), kx.reason),
  );
  log('  tfjs-node: extraction');
  const nx = await tfjsNodeJob('extract', d.digits, d.epochs, d.cacheDir);
  figures.push(
    nx.ok
      ? faster(
          exName('tfjs-node'),
          ex.seconds,
          nx.value.seconds,
          1.5,
          `tfjs-node ${share(ex.macs, nx.value.seconds, peak)} on backend ${nx.value.backend}`,
        )
      : missing(exName('tfjs-node'), nx.reason),
  );
  return figures;
}

async function fineTuneRows(d: PeerData, peak: number, log: (s: string) => void): Promise<Figure[]> {
  const figures: Figure[] = [];
  log(`  ours: fine-tuning ${d.epochs} epochs`);
  const ft = await ourFineTune(d.three, d.epochs, d.cacheDir);
  const ftName = (peer: string) =>
    `fine-tuning from ${UNFREEZE_FROM}, ${samplesOf(d.three).length} images, ${d.epochs} epochs, batch ${BATCH}, vs ${peer}`;
  log('  keras: fine-tuning');
  const kf = await kerasJob([
    'finetune',
    '--data',
    d.three,
    '--model',
    d.model,
    '--epochs',
    String(d.epochs),
    '--batch',
    String(BATCH),
    '--unfreeze',
    UNFREEZE_FROM,
  ]);
  // Keras runs the frozen base forward on every step: its own minimum work is larger than ours.
  figures.push(
    kf.ok
      ? faster(
          ftName('Keras script'),
          ft.seconds,
          kf.value.seconds,
          1.0,
          `ours ${share(ft.macs, ft.seconds, peak)} (activation cache, decoding included; ${ft.runtime}); Keras ${share(ft.macs, kf.value.seconds, peak)} of the same job MACs (images pre-decoded)`,
        )
      : missing(ftName('Keras script'), kf.reason),
  );
  log('  tfjs-node: fine-tuning');
  const nf = await tfjsNodeJob('finetune', d.three, d.epochs, d.cacheDir);
  figures.push(
    nf.ok
      ? faster(
          ftName('tfjs-node'),
          ft.seconds,
          nf.value.seconds,
          1.0,
          `tfjs-node ${share(ft.macs, nf.value.seconds, peak)} on backend ${nf.value.backend}`,
        )
      : missing(ftName('tfjs-node'), nf.reason),
  );
  return figures;
}
