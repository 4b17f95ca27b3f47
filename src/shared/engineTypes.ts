// Plain data that crosses the host ↔ trainer boundary. No tfjs, no Node, no vscode types here:
// the extension host, the trainer, the CLI, the language server and the webview all compile this file.
import type { RaySettings } from './rayProtocol';
import type { TextRecipe } from './text/textRecipe';
import type { EpochMetrics, ModelResult, SourceModel, Trial } from './evaluationTypes';

/** What the user may ask for (setting, --backend, TRANSFER_STUDIO_BACKEND); 'auto' takes the fastest that loads. */
export const BACKEND_PREFERENCES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];

/** Which TensorFlow.js backend executes the math. */
export type BackendName = Exclude<BackendPreference, 'auto'>;

/** What the trainer runs on, printed by every run so results can be compared honestly. */
export interface BackendInfo {
  /** ray: the run trained on a Ray cluster (Keras 3 on torch); the detail names the cluster and workers. */
  name: BackendName | 'ray';
  /** Human-readable detail, e.g. "wasm (SIMD, 1 thread per instance) + 5 gradient kernels from transfer-studio". */
  detail: string;
  /** Kernels the backend lacks that are executed by another backend (slow path), by kernel name. */
  borrowedKernels: string[];
  /** Threads the trainer computes on (training and the frozen part), when it knows. */
  threads?: number;
  /** Where the frozen part of a base runs when it is cached: ONNX Runtime when it loads, else the backend. */
  frozenPart?: 'onnxruntime' | 'tfjs';
}

/** How raw pixels become model input; recorded with every base and every run. */
export interface Preprocessing {
  /** Height and width the image is resized to. */
  size: [number, number];
  channels: 1 | 3;
  /** unit: [0, 1]; symmetric: [-1, 1]; raw: [0, 255]. */
  scale: 'unit' | 'symmetric' | 'raw';
}

/** One layer of a base model as the layer tree shows it. */
export interface LayerInfo {
  index: number;
  name: string;
  className: string;
  outputShape: (number | null)[];
  trainableParams: number;
  nonTrainableParams: number;
  /** Whether the layer has weights at all (only those can be frozen or trained). */
  hasWeights: boolean;
  isBatchNorm: boolean;
  /** Group for display, e.g. "block_3" for MobileNetV2's "block_3_expand". */
  block: string;
}

/** A base model resolved and inspected by the trainer. */
export interface BaseDescription {
  /** The spec the user gave: a built-in id, a model.json path, a run folder or a URL. */
  spec: string;
  title: string;
  source: 'builtin' | 'file' | 'run' | 'url';
  preprocessing: Preprocessing;
  layers: LayerInfo[];
  /** The layer whose output the new head sits on unless the user picks another. */
  defaultFeatureLayer: string;
  totalParams: number;
  credit?: string;
}

/** A file the scanner or the decoder refused, and why, in words a user can act on. */
export interface SkippedFile {
  path: string;
  reason: string;
}

export interface ClassSummary {
  name: string;
  /** Absolute paths of the usable examples, sorted (`file:line` for rows of a CSV/JSONL file). */
  files: string[];
  /** The text of each entry of `files`, same order, when examples live inside a file; absent for images. */
  texts?: string[];
}

/** A dataset folder: one subfolder per class. */
export interface DatasetScan {
  root: string;
  classes: ClassSummary[];
  skipped: SkippedFile[];
  warnings: string[];
}

/** Which layers train. Names refer to layers of the base. */
export interface FreezeSpec {
  /** The layer the head is attached to (the cut); layers after it are dropped. */
  featureLayer?: string;
  /** Freeze every layer up to and including this one; the rest of the kept base trains. */
  freezeUpTo?: string;
  /** Or an explicit set of frozen layers (combined with freezeUpTo when both are given). */
  frozen?: string[];
}

export interface HeadSpec {
  pooling: 'avg' | 'max' | 'flatten';
  /** Optional hidden dense layer width (0 or absent: none). */
  dense?: number;
  dropout?: number;
}

export interface Augmentation {
  flip: boolean;
  /** Maximum rotation in degrees, both directions. */
  rotation: number;
  /** Maximum fraction cropped from the borders before resizing back. */
  crop: number;
  /** Maximum brightness change as a fraction of the value range. */
  brightness: number;
}

/** The Keras two-phase recipe: after the head has converged, unfreeze the top of the base at a lower rate. */
export interface SecondPhase {
  unfreezeFrom: string;
  epochs: number;
  learningRate: number;
}

/** The optimizers a recipe may choose; both training phases use the same one. */
export type OptimizerName = 'adam' | 'sgd' | 'rmsprop';

/** Every choice of a run. Saved beside the model so a run is reproducible and diffable. */
export interface TrainRecipe {
  /** transfer: a base plus a new head; source: a small CNN from scratch (develop-model approach). */
  mode: 'transfer' | 'source';
  data: string;
  base: string;
  freeze: FreezeSpec;
  head: HeadSpec;
  /** Absent: adam. */
  optimizer?: OptimizerName;
  learningRate: number;
  /** auto: until validation loss stops improving, up to a generous cap (see src/shared/autoFlow.ts). */
  epochs: number | 'auto';
  batchSize: number;
  validationSplit: number;
  /** auto: hold out a test split when every class has enough images, else evaluate on validation. */
  testSplit: number | 'auto';
  seed: number;
  /** Stop when validation loss has not improved for this many epochs (0: never). */
  patience: number;
  augmentation?: Augmentation;
  /** auto: fine-tune the top blocks when the time budget allows and validation improves; absent: off. */
  secondPhase?: SecondPhase | 'auto';
  /** Seconds the automatic flow may spend training (absent: the default budget). */
  timeBudget?: number;
  /** Also train the same architecture from random weights on the same split. */
  compareScratch: boolean;
  /** Folder that receives the run folder. */
  outputDir: string;
  name?: string;
  /** Input size for mode "source" (the CNN is fitted to it). */
  inputSize?: [number, number];
  /** Channels for mode "source": 1 for grayscale data such as MNIST, else 3. */
  inputChannels?: 1 | 3;
  /**
   * The model mode "source" trains from scratch: the small CNN (absent), or a linear model or an MLP on the
   * raw pixels (what a run keeps when the automatic flow's pixel baseline beats transfer).
   */
  sourceModel?: SourceModel;
  /** Limit of images per class (0: all); the demo and tests use it to show few-shot transfer. */
  maxPerClass?: number;
  /** Where the recipe runs on Ray (`transfer-studio train --ray`, "Run on Ray Cluster…"); ignored by local runs. */
  ray?: RaySettings;
  /** Text data (a table, or a folder of text files per class): its columns and the text model. */
  text?: TextRecipe;
}

/**
 * Where a run's time went, in seconds, with the same names locally and on Ray (run.json and the CLI's result):
 * start-up (scan, base, and on Ray the cluster, Python and torch), the frozen part's features or activations,
 * training epochs, evaluation.
 */
export interface RunTimings {
  startup: number;
  features: number;
  training: number;
  evaluation: number;
}

export interface RunResult {
  runDir: string;
  timings?: RunTimings;
  backend: BackendInfo;
  classes: string[];
  split: { train: number; validation: number; test: number };
  transfer: ModelResult;
  scratch?: ModelResult;
  cancelled: boolean;
  skipped: SkippedFile[];
  featureCache?: { hits: number; misses: number };
  /** What the automatic flow tried, in order (absent when nothing was automatic). */
  trials?: Trial[];
  /** Said when the choices and the final figure had to use the same (validation) split. */
  evaluationNote?: string;
  /** The from-scratch baselines of compareScratch, each on the same split for the same time. */
  baselines?: { name: string; result: ModelResult }[];
}

export interface Prediction {
  path: string;
  label: string;
  confidence: number;
  scores: Record<string, number>;
}

/** An image `trainer/predictEach` could not read, with the reason in words. */
export interface PredictionFailure {
  path: string;
  error: string;
}

/** Whether an outcome of `trainer/predictEach` is a failure (the image could not be read). */
export function isPredictionFailure(o: Prediction | PredictionFailure): o is PredictionFailure {
  return 'error' in o;
}

export interface EmbedResult {
  layer: string;
  dims: number;
  count: number;
  csvPath: string;
  npyPath: string;
  /** Accuracy of the light classifier fitted on the embeddings, on a held-out split. */
  classifier?: { kind: 'knn' | 'logistic'; accuracy: number; evaluatedOn: number };
}

/** A small image made for display, never the full-size file. */
export interface Thumbnail {
  /** Absolute path of the original image (the panel may ask the host to open it). */
  path: string;
  /** data:image/jpeg;base64,… (empty when the file could not be decoded). */
  src: string;
  error?: string;
}

/** Which model of a run an event is about. */
export type RunModel = 'transfer' | 'scratch';

export type ProgressEvent =
  | {
      kind: 'stage';
      stage: 'scanning' | 'loading-base' | 'caching-features' | 'training' | 'evaluating' | 'saving';
      done?: number;
      total?: number;
      message?: string;
    }
  | {
      kind: 'batch';
      model: RunModel;
      phase: 1 | 2;
      epoch: number;
      epochs: number;
      /** Set when `epochs` is only a cap: the phase stops after this many epochs without improvement. */
      untilPlateau?: number;
      batch: number;
      batches: number;
      loss: number;
      accuracy: number;
      imagesPerSec: number;
      etaSeconds: number;
    }
  | {
      kind: 'epoch';
      model: RunModel;
      metrics: EpochMetrics;
      epochs: number;
      /** As in a batch event: the phase stops after this many epochs without improvement. */
      untilPlateau?: number;
      checkpoint: string;
    }
  | { kind: 'log'; level: 'info' | 'warn'; message: string };
