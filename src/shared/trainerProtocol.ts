// Every message between a host (extension or CLI) and the trainer child process, declared once.
// Transport: vscode-jsonrpc over the fork IPC channel. Requests carry a CancellationToken: cancelling a
// `trainer/train` request stops training at the next batch and keeps the last checkpoint.
import type { ProbeResult } from './probeRules';
import type { DoctorReport } from './doctorTypes';
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type {
  BackendInfo,
  BaseDescription,
  DatasetScan,
  EmbedResult,
  Prediction,
  PredictionFailure,
  ProgressEvent,
  RunResult,
  RunTimings,
  Thumbnail,
  TrainRecipe,
} from './engineTypes';
import type { Evaluation } from './evaluationTypes';
import type { RayTrained } from './rayProtocol';
import type { ExportRequest, ExportResult } from './exportTypes';

export * from './engineTypes';
export * from './exportTypes';

/** Host → trainer: which backend the trainer initialized (it picks one at start). */
export const hello = new RequestType0<BackendInfo, void>('trainer/hello');

/** Host → trainer: resolve a base (built-in id, model.json, run folder, URL) and list its layers. */
export const listLayers = new RequestType<{ base: string; cacheDir: string }, BaseDescription, void>(
  'trainer/listLayers',
);

/** Host → trainer: scan a dataset folder (classes, usable images, skipped files, warnings). */
export const scanDataset = new RequestType<{ folder: string; minPerClass?: number }, DatasetScan, void>(
  'trainer/scanDataset',
);

/** Host → trainer: small JPEG previews of images (runs beside a training: no tfjs involved). */
export const thumbnails = new RequestType<{ files: string[]; size: number }, Thumbnail[], void>('trainer/thumbnails');

/** Host → trainer: run a recipe to the end (or to cancellation) and save a run folder. */
export const train = new RequestType<{ recipe: TrainRecipe; cacheDir: string }, RunResult, void>('trainer/train');

/** Host → trainer: continue a crashed or cancelled run from its last checkpoint, with its saved recipe. */
export const resume = new RequestType<{ runDir: string; cacheDir: string }, RunResult, void>('trainer/resume');

/** Host → trainer: evaluate a saved run on a class folder. */
export const evaluate = new RequestType<{ runDir: string; folder: string }, Evaluation, void>('trainer/evaluate');

/**
 * The images the CLI sends per predictEach request, so it can print results as they come. The trainer
 * decodes fewer at once when large inputs would pass LIMITS.maxBatchInputBytes (runInference.ts).
 */
export const PREDICT_BATCH_LIMIT = 64;

/**
 * Host → trainer: classify images with a saved run, one outcome per image in the order asked; an image
 * that cannot be read gets a failure instead of failing the request (the CLI's and the editor's Predict).
 */
export const predictEach = new RequestType<
  { runDir: string; images: string[] },
  (Prediction | PredictionFailure)[],
  void
>('trainer/predictEach');

/** The light classifiers an embed request may fit on the embeddings (none: export only), the default first. */
export const EMBED_CLASSIFIERS = ['logistic', 'knn', 'none'] as const;

/** The files an embed request writes into its folder; the CLI refuses to replace them without --force. */
export const EMBED_FILES = ['embeddings.csv', 'embeddings.npy', 'embeddings.json'] as const;

/** Parameters of an embed request: a class folder, the base and its layer, where the files go. */
export interface EmbedParams {
  folder: string;
  base: string;
  /** Absent: the base's feature layer. */
  layer?: string;
  outDir: string;
  cacheDir: string;
  classifier: (typeof EMBED_CLASSIFIERS)[number];
  seed: number;
}

/** Host → trainer: export the embeddings of one layer for every image, and fit a light classifier. */
export const embed = new RequestType<EmbedParams, EmbedResult, void>('trainer/embed');

/** Host → trainer: "Compare Bases": a linear probe on cached features of each candidate base, with its costs. */
export const probe = new RequestType<ProbeParams, ProbeResult, void>('trainer/probe');

/** Host → trainer: the data doctor: label issues, duplicates and outliers of a class folder, on a base's features. */
export const doctor = new RequestType<DoctorParams, DoctorReport, void>('trainer/doctor');

/** Parameters of a data check: the folder, the base whose cached features it compares, the seed of its folds. */
export interface DoctorParams {
  folder: string;
  base: string;
  cacheDir: string;
  seed: number;
}

/** Where a Ray run goes, resolved from the recipe's `ray:` section, the CLI and the settings. */
export interface RayTarget {
  address: string;
  workers: number;
  gpusPerWorker: number;
  /** Shared folder for the job's data, checkpoints and results; absent: inside the run folder. */
  storagePath?: string;
}

/** What rayPrepare leaves for the host, which then runs the job with `python job.py <planFile>`. */
export interface RayPrepared {
  runDir: string;
  planFile: string;
  jobDir: string;
  /** Ray Train's own checkpoints of the job. */
  checkpointDir: string;
  /** Seconds spent decoding pixels and hashing files for the job (part of the run's `features` timing). */
  decodeSeconds: number;
}

/** Host → trainer: a run folder and a Ray job folder for a recipe (data decoded, base exported, plan written). */
export const rayPrepare = new RequestType<
  { recipe: TrainRecipe; cacheDir: string; target: RayTarget },
  RayPrepared,
  void
>('trainer/rayPrepare');

/** Host → trainer: the Ray job trained; make its run folder a normal one (TF.js model, evaluation, metrics). */
export const rayFinish = new RequestType<RayFinishParams, RunResult, void>('trainer/rayFinish');

/** What rayFinish needs: the job's summary and what the host measured before the job trained. */
export interface RayFinishParams {
  runDir: string;
  cacheDir: string;
  trained: RayTrained;
  /** Start-up (check, prepare, cluster until the workers stand) and decoding (part of `features`), seconds. */
  before: Pick<RunTimings, 'startup' | 'features'>;
}

/** Host → trainer: the Ray job failed or was cancelled; mark its run folder so. */
export const rayAbandon = new RequestType<{ runDir: string; status: 'failed' | 'cancelled' }, void, void>(
  'trainer/rayAbandon',
);
/** Host → trainer: write a finished run as a Keras, ONNX or TF.js file (with labels beside it). */
export const exportModel = new RequestType<ExportRequest, ExportResult, void>('trainer/export');

/** Trainer → host: progress of the running request (stages, batches, epochs, log lines). */
export const progress = new NotificationType<ProgressEvent>('trainer/progress');

/** Error codes of failed requests; the message is always one sentence a user can act on. */
export const TrainerErrorCode = {
  /** The input (data, recipe, model file) is unusable; the message says why. */
  BadInput: 1001,
  /** The request was cancelled. */
  Cancelled: 1002,
  /** An unexpected failure inside the engine. */
  Internal: 1003,
} as const;

/** Parameters of a probe: candidate base specs (absent: every built-in base), the split's seed and fraction. */
export interface ProbeParams {
  folder: string;
  bases?: string[];
  cacheDir: string;
  seed: number;
  validationSplit: number;
}
