// Everything that crosses between Transfer Studio and its Ray job (src/ray/job.py), declared once: the plan
// the job reads, the lines it prints, and how those lines become the trainer protocol's progress events, so the
// panel, status bar and CLI watch a Ray run exactly as they watch a local one.
import type { ProgressEvent, RunTimings } from './engineTypes';
import type { EpochMetrics } from './evaluationTypes';

/** Where and how wide a recipe runs on Ray; the `ray:` section of a recipe, and the CLI's --ray flags. */
export interface RaySettings {
  /** "local" (a private Ray started for the run, stopped after) or a cluster's GCS address host:port. */
  address?: string;
  /** Data-parallel workers (default 2). */
  workers?: number;
  /** GPUs per worker (default 0: CPU workers). */
  gpusPerWorker?: number;
  /** Shared folder that both this machine and every node read: data, checkpoints and results. */
  storagePath?: string;
}

/** Defaults of a Ray run and the bounds the recipe table and the CLI check. */
export const RAY_DEFAULTS = { workers: 2, gpusPerWorker: 0, maxFailures: 2 } as const;
export const RAY_MAX_WORKERS = 1024;
export const RAY_MAX_GPUS_PER_WORKER = 16;

/** The pre-decoded pixels of one split: uint8 [n, h, w, c] and int32 labels [n], as .npy files. */
export interface RaySplitFiles {
  x: string;
  y: string;
  /** JSON array of each row's content hash (the local feature cache's per-image key). */
  keys: string;
}

/**
 * The tensor below a phase's trainable layers: the job computes it once per example into the cluster's cache
 * and trains the layers above it on the stored values.
 */
export interface RayCut {
  /** The Keras layer whose output crosses from the frozen part to the trainable one. */
  boundary: string;
  /**
   * The local feature cache's key parts (base files, layer, pooling, preprocessing) as JSON; the job adds its runtime.
   */
  key: string;
}

/** One training phase as the job runs it; `frozen` is resolved by Transfer Studio's freeze rules. */
export interface RayPhase {
  epochs: number;
  learningRate: number;
  frozen: string[];
  /** Absent: no single tensor separates the frozen part, or its values would not fit in memory; pixels train. */
  cut?: RayCut;
}

/** plan.json: everything the job needs, with every choice already resolved on Transfer Studio's side. */
export interface RayPlan {
  version: 2;
  /**
   * The untrained model (base cut at the feature layer + the recipe's head) exported to Keras 3 by the engine:
   * it takes raw 0–255 pixels and scales them itself.
   */
  model: string;
  classes: string[];
  optimizer: 'adam' | 'sgd' | 'rmsprop';
  phases: RayPhase[];
  /** The global batch: split across the workers, the learning rate is not rescaled. */
  batchSize: number;
  seed: number;
  patience: number;
  /** Training epochs draw every class as often as the largest (the engine's rule, src/trainer/train/balance.ts). */
  balanced: boolean;
  /** The cluster's cache of frozen values, shared by runs (on the storage path, or the local cache folder). */
  cacheDir: string;
  data: { train: RaySplitFiles; validation: RaySplitFiles; test?: RaySplitFiles };
  address: string;
  workers: number;
  gpusPerWorker: number;
  /** Logical CPUs of a local Ray (address "local"). */
  localCpus?: number;
  storagePath: string;
  /** Ray Train's run name (its checkpoints go to storagePath/name). */
  name: string;
  maxFailures: number;
  /** Where the job writes trained.keras and weights.json/.bin. */
  outDir: string;
}

/** The prefix of every line the job prints for Transfer Studio. */
export const RAY_LINE_MARKER = '@@transfer-studio@@ ';

/** One training worker: its process, node and torch device. */
export interface RayWorker {
  pid: number;
  node: string;
  device: string;
}

/** The job's summary once training ended; printed by rank 0. */
export interface RayTrained {
  type: 'trained';
  /** Every worker's weights hashed after training: one model, or data parallelism went wrong. */
  weightsIdentical: boolean;
  weightDigests: string[];
  history: EpochMetrics[];
  test: { loss: number; accuracy: number } | null;
  model: string;
  /** The test split's probabilities as the cluster computed them (float32 .npy, a row per test example). */
  testScores?: string;
  /** Seconds on the cluster (rank 0): frozen values computed or read, epochs, the test split. */
  timings: RayJobTimings;
}

/** The part of a run's timings the job measures. */
export type RayJobTimings = Pick<RunTimings, 'features' | 'training' | 'evaluation'>;

/** Every line the job prints for Transfer Studio. */
export type RayJobLine =
  | { type: 'versions'; python: string; ray: string; torch: string; keras: string }
  | { type: 'cluster'; address: string; cpus: number; gpus: number; nodes: number; ray: string }
  | { type: 'progress'; event: Extract<ProgressEvent, { kind: 'batch' }> }
  | { type: 'epoch'; metrics: EpochMetrics; epochs: number }
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  | { type: 'resumed'; phase: number; epoch: number }
  /** Rank 0, while the workers compute the frozen values the cache lacks (`done` counts all workers, estimated). */
  | { type: 'caching'; layer: string; done: number; total: number }
  /** Rank 0, once a phase's frozen values are all in the cache. */
  | { type: 'cache'; layer: string; cached: number; computed: number; folder: string; runtime: string; seconds: number }
  /** Printed by rank 0 whenever a worker group starts (again, after a failure). */
  | { type: 'workers'; workers: RayWorker[] }
  | RayTrained
  | { type: 'error'; message: string };

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasNums = (o: Record<string, unknown>, keys: readonly string[]) => keys.every((k) => isNum(o[k]));

type NumberKeys<T> = { [K in keyof T]-?: T[K] extends number ? K : never }[keyof T];
type BatchEvent = Extract<ProgressEvent, { kind: 'batch' }>;
const METRIC_KEYS = [
  'phase',
  'epoch',
  'loss',
  'accuracy',
  'valLoss',
  'valAccuracy',
  'seconds',
] as const satisfies readonly NumberKeys<EpochMetrics>[];
const BATCH_KEYS = [
  'phase',
  'epoch',
  'epochs',
  'batch',
  'batches',
  'loss',
  'accuracy',
  'imagesPerSec',
  'etaSeconds',
] as const satisfies readonly NumberKeys<BatchEvent>[];
// The Python job is untyped: a number field added to the progress types without a check here fails to compile.
const checksEveryNumber: [
  Exclude<NumberKeys<EpochMetrics>, (typeof METRIC_KEYS)[number]>,
  Exclude<NumberKeys<BatchEvent>, (typeof BATCH_KEYS)[number]>,
] extends [never, never]
  ? true
  : never = true;
void checksEveryNumber;
const isMetrics = (v: unknown): v is EpochMetrics =>
  isObj(v) && hasNums(v, METRIC_KEYS) && (v.phase === 1 || v.phase === 2);

/**
 * The job's line in one line of its output, or undefined for anything else (Ray's own logging). Lines from
 * workers carry Ray's "(RayTrainWorker pid=…)" prefix, so the marker is looked for anywhere. A line with the
 * marker whose content does not check out field by field is treated as Ray's noise too.
 */
export function parseRayLine(line: string): RayJobLine | undefined {
  const at = line.indexOf(RAY_LINE_MARKER);
  if (at < 0) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(line.slice(at + RAY_LINE_MARKER.length));
  } catch {
    return undefined;
  }
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'versions':
      return ['python', 'ray', 'torch', 'keras'].every((k) => isStr(v[k])) ? (v as RayJobLine) : undefined;
    case 'cluster':
      return isStr(v.address) && hasNums(v, ['cpus', 'gpus', 'nodes']) ? (v as RayJobLine) : undefined;
    case 'progress':
      return isObj(v.event) &&
        v.event.kind === 'batch' &&
        v.event.model === 'transfer' &&
        hasNums(v.event, BATCH_KEYS) &&
        (v.event.phase === 1 || v.event.phase === 2)
        ? (v as RayJobLine)
        : undefined;
    case 'epoch':
      return isMetrics(v.metrics) && isNum(v.epochs) ? (v as RayJobLine) : undefined;
    case 'log':
      return (v.level === 'info' || v.level === 'warn') && isStr(v.message) ? (v as RayJobLine) : undefined;
    case 'resumed':
      return hasNums(v, ['phase', 'epoch']) ? (v as RayJobLine) : undefined;
    case 'caching':
      return isStr(v.layer) && hasNums(v, ['done', 'total']) ? (v as RayJobLine) : undefined;
    case 'cache':
      return ['layer', 'folder', 'runtime'].every((k) => isStr(v[k])) && hasNums(v, ['cached', 'computed', 'seconds'])
        ? (v as RayJobLine)
        : undefined;
    case 'workers':
      return Array.isArray(v.workers) &&
        v.workers.every((w) => isObj(w) && isNum(w.pid) && isStr(w.node) && isStr(w.device))
        ? (v as RayJobLine)
        : undefined;
    case 'trained': {
      const ok =
        typeof v.weightsIdentical === 'boolean' &&
        Array.isArray(v.weightDigests) &&
        v.weightDigests.every(isStr) &&
        Array.isArray(v.history) &&
        v.history.every(isMetrics) &&
        isStr(v.model) &&
        isObj(v.timings) &&
        hasNums(v.timings, ['features', 'training', 'evaluation']) &&
        (v.test === null || (isObj(v.test) && hasNums(v.test, ['loss', 'accuracy']))) &&
        (v.testScores === undefined || isStr(v.testScores));
      return ok ? (v as RayJobLine) : undefined;
    }
    case 'error':
      return isStr(v.message) ? (v as RayJobLine) : undefined;
    default:
      return undefined;
  }
}

/** The trainer protocol's progress event for a job line, so a Ray run is drawn like a local one. */
export function progressOfRayLine(line: RayJobLine, checkpointDir: string): ProgressEvent | undefined {
  switch (line.type) {
    case 'progress':
      return line.event;
    case 'epoch':
      return {
        kind: 'epoch',
        model: 'transfer',
        metrics: line.metrics,
        epochs: line.epochs,
        checkpoint: checkpointDir,
      };
    case 'log':
      return { kind: 'log', level: line.level, message: line.message };
    case 'versions':
      return {
        kind: 'log',
        level: 'info',
        message: `Ray job: Python ${line.python}, Ray ${line.ray}, torch ${line.torch}, Keras ${line.keras}`,
      };
    case 'cluster': {
      const where = line.address === 'local' ? 'a local Ray' : `the Ray cluster at ${line.address}`;
      return {
        kind: 'stage',
        stage: 'training',
        message: `on ${where}: ${line.nodes} node(s), ${line.cpus} CPUs, ${line.gpus} GPUs`,
      };
    }
    case 'workers': {
      const devices = [...new Set(line.workers.map((w) => w.device))].join(', ');
      const nodes = new Set(line.workers.map((w) => w.node)).size;
      return {
        kind: 'log',
        level: 'info',
        message: `Ray workers: ${line.workers.length} on ${nodes} node(s), devices ${devices} (pids ${line.workers.map((w) => w.pid).join(', ')})`,
      };
    }
    case 'caching':
      return {
        kind: 'stage',
        stage: 'caching-features',
        done: line.done,
        total: line.total,
        message: `frozen part up to ${line.layer} on the Ray workers`,
      };
    case 'cache':
      return {
        kind: 'log',
        level: 'info',
        message: `Layers up to ${line.layer} are frozen: their output comes from the cluster's cache (${line.cached} cached, ${line.computed} computed by ${line.runtime} in ${line.seconds.toFixed(1)} s, ${line.folder})`,
      };
    case 'resumed':
      return {
        kind: 'log',
        level: 'warn',
        message: `A Ray worker was replaced; training resumed after epoch ${line.epoch} of phase ${line.phase} from the last checkpoint`,
      };
    default:
      return undefined;
  }
}
