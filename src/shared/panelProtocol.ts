// Every message between the extension host and the training panel (a webview), declared once.
// The webview is untrusted: the host checks each message it receives with `parseWebviewMessage`
// (src/shared/panelMessageCheck.ts) before acting on it. The webview sends `ready` first; the host answers
// with a full `snapshot`, so a panel that was hidden, restored or reloaded loses nothing.
import type { BaseDescription, ProgressEvent, SkippedFile, Thumbnail } from './engineTypes';
import type { Evaluation, EpochMetrics, QualityReport } from './evaluationTypes';
import type { ExportFormat } from './exportTypes';
import type { TextCandidate } from './text/textProtocol';
import type { TextDatasetView } from './text/textDatasetView';
import type { TextLayerFacts } from './text/textLayers';

export type { Thumbnail };

/** Settings of the next training that the panel's controls edit (the rest comes from the recipe). */
export interface TrainingSettings {
  /** auto: the head trains until validation loss stops improving. */
  epochs: number | 'auto';
  learningRate: number;
  batchSize: number;
  validationSplit: number;
  augmentation: boolean;
  /**
   * Unfreeze the top of the base after the head converges (Keras' two-phase recipe); auto: when budget and validation
   * say so.
   */
  secondPhase: boolean | 'auto';
  compareScratch: boolean;
  /** Seconds the automatic flow may train once features are cached (the recipe's timeBudget). */
  timeBudget: number;
}

/**
 * The choices the next training uses. One copy lives on the host; the Layers view, the panel and the recipe mirror it.
 */
export interface StudioChoices {
  /** Absolute path of the dataset folder (one subfolder per class), when one is chosen. */
  dataFolder?: string;
  /** Base spec: built-in id, model.json path, run folder or URL. */
  base: string;
  /** The cut: the head sits on this layer's output. */
  featureLayer: string;
  /** Names of the frozen layers of the base (layers with weights only). */
  frozen: string[];
  settings: TrainingSettings;
  /** The recipe file these choices are bound to, when the user works from one. */
  recipeFile?: string;
}

/** What the dataset preview shows. */
export interface DatasetPreview {
  folder: string;
  classes: { name: string; count: number; thumbnails: Thumbnail[] }[];
  /** How many images go to training, validation and test with the current settings. */
  split: { train: number; validation: number; test: number };
  skipped: SkippedFile[];
  warnings: string[];
  /** A text dataset: snippets and lengths per class, duplicates and skipped files (it has no thumbnails). */
  text?: TextDatasetView;
}

export type TrainingStatus = 'idle' | 'running' | 'cancelling' | 'finished' | 'cancelled' | 'failed';

/** The current (or last) training, as the panel draws it. */
export interface TrainingView {
  status: TrainingStatus;
  runName?: string;
  runDir?: string;
  /** What runs, in one line (src/shared/backendLine.ts), e.g. "backend wasm (SIMD) · 2 threads · …". */
  backend?: string;
  /** The backend's whole detail (every kernel we register), for a hover. */
  backendDetail?: string;
  /** One sentence when the status is failed or cancelled. */
  message?: string;
}

/** A finished run's evaluation and, when it compared with scratch, both learning curves. */
export interface EvaluationView {
  runDir: string;
  evaluatedOn: 'test' | 'validation';
  evaluation: Evaluation;
  misclassified: Thumbnail[];
  transferHistory: EpochMetrics[];
  scratchHistory?: EpochMetrics[];
  scratchAccuracy?: number;
  /**
   * What the automatic flow tried and kept, the baselines without transfer, and the verdict (run.json /
   * evaluation.json).
   */
  quality?: QualityReport;
  /** A text run: the models it tried and its misclassified examples as words (it has no thumbnails). */
  text?: TextReport;
}

/** What a text run's report adds: the candidates and baselines, and the texts it got wrong. */
export interface TextReport {
  kept: string;
  /** The best on the evaluated split among the kept model and the baselines. */
  winner: string;
  candidates: TextCandidate[];
  misclassified: MisclassifiedText[];
  /** The kept model's layers in numbers (text-run.json; absent in older runs): the Layers tab lists them. */
  layers?: TextLayerFacts;
  /** The next text training keeps the fine-tuned model's Embedding as GloVe (the Layers tab's toggle). */
  freezeEmbedding?: boolean;
}

/** A misclassified text example as the panel lists it: a snippet, where it is, and what the model said. */
export interface MisclassifiedText {
  /** The file, or `data.csv:12` for a row of a table. */
  path: string;
  /** The start of the text (empty when it could not be read again). */
  snippet: string;
  actual: string;
  predicted: string;
  confidence: number;
}

/** Everything the panel shows; sent whole after `ready`. */
export interface PanelSnapshot {
  choices: StudioChoices;
  base?: BaseDescription;
  /** Why the base could not be loaded, if it could not. */
  baseError?: string;
  dataset?: DatasetPreview;
  training: TrainingView;
  /** Every progress event of the current (or last) training, in order: the charts replay them. */
  history: ProgressEvent[];
  evaluation?: EvaluationView;
  /** False in Restricted Mode: training is disabled and the panel says why. */
  trusted: boolean;
}

/** Host → webview. */
export type HostMessage =
  /** The whole state, after `ready` or when the base changes. */
  | { type: 'snapshot'; snapshot: PanelSnapshot }
  /** The choices changed (a checkbox in the Layers view, a recipe edit, a control in this panel). */
  | { type: 'choices'; choices: StudioChoices }
  | { type: 'dataset'; dataset: DatasetPreview }
  | { type: 'training'; training: TrainingView }
  /** New progress events since the last message, in order (batched to keep the host quiet). */
  | { type: 'progress'; events: ProgressEvent[] }
  /** `reveal`: the user asked for this report (Open Report, Evaluate): the panel switches to its tab. */
  | { type: 'evaluation'; evaluation: EvaluationView; reveal?: boolean };

/** Webview → host. Every field is checked by the host before use. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'setTrainable'; layer: string; trainable: boolean }
  /** Freeze every layer up to and including this one; the later ones (up to the cut) train. */
  | { type: 'freezeUpTo'; layer: string }
  /** Train this layer and every later one up to the cut; the earlier ones stay as they are. */
  | { type: 'unfreezeFrom'; layer: string }
  | { type: 'setFeatureLayer'; layer: string }
  | { type: 'updateSettings'; settings: Partial<TrainingSettings> }
  | { type: 'startTraining' }
  /** The same choices, on a Ray cluster the host asks for. */
  | { type: 'startTrainingOnRay' }
  | { type: 'cancelTraining' }
  /** Open an image of the dataset in an editor (a thumbnail was clicked). */
  | { type: 'openImage'; path: string }
  /** Export the run whose evaluation the panel shows (the host knows which; no path comes from the webview). */
  | { type: 'exportRun'; format: ExportFormat }
  /** The Layers tab's toggle of a text model's Embedding: the next text training keeps GloVe's vectors. */
  | { type: 'setTextEmbeddingFrozen'; frozen: boolean };

export type WebviewMessageType = WebviewMessage['type'];

/** The view type of the panel, also used by its serializer. */
export const PANEL_VIEW_TYPE = 'transferStudio.trainingPanel';

/** What the webview keeps with `setState` so a restored panel draws at once, before the host answers. */
export interface PanelWebviewState {
  snapshot?: PanelSnapshot;
  tab?: string;
}
