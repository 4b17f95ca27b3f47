// What a trained model scored and how the automatic flow chose it: plain data in evaluation.json, run.json, the
// panel and the CLI. Like engineTypes.ts, every process compiles it (no tfjs, Node or vscode types).

export interface ClassMetrics {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Misclassified {
  path: string;
  actual: string;
  predicted: string;
  confidence: number;
}

export interface Evaluation {
  accuracy: number;
  count: number;
  classes: string[];
  perClass: ClassMetrics[];
  /** confusion[actual][predicted]. */
  confusion: number[][];
  misclassified: Misclassified[];
}

export interface EpochMetrics {
  phase: 1 | 2;
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
  seconds: number;
}

/** The outcome of one trained model (the transfer model, or the scratch twin). */
export interface ModelResult {
  history: EpochMetrics[];
  /** On the held-out test split when there is one, else on the validation split. */
  evaluation: Evaluation;
  evaluatedOn: 'test' | 'validation';
  trainableParams: number;
  frozenParams: number;
  trainSeconds: number;
}

/** A from-scratch baseline as the run folder and the panel show it. */
export interface BaselineSummary {
  name: string;
  accuracy: number;
  trainSeconds: number;
}

/** What evaluation.json holds beyond the evaluations: how the model was chosen and what it was compared with. */
export interface QualityReport {
  trials?: Trial[];
  evaluationNote?: string;
  baselines?: BaselineSummary[];
  /** One plain sentence: whether transfer beat the baselines. */
  verdict?: string;
}

/** What a trial trained: a model on a base's features, or one of the pixel baselines without transfer. */
export type TrialKind = 'transfer' | 'pixels-linear' | 'pixels-mlp';
/** Models trained from scratch on pixels (mode "source"): the small CNN, or the pixel baselines. */
export type SourceModel = 'cnn' | Exclude<TrialKind, 'transfer'>;

/** One training the automatic flow tried (or skipped), and what became of it. */
export interface Trial {
  /** head, wider head, head at <cut>, pixels linear, pixels MLP, fine-tune, fine-tune + augmentation. */
  name: string;
  /** Absent in runs before 0.3: transfer. */
  kind?: TrialKind;
  /** The base layer whose output the trial's model reads (transfer trials). */
  cut?: string;
  /** What trained, e.g. "from block_15_expand at lr 0.0001, cached activations". */
  detail: string;
  epochs: number;
  /** Validation figures of the weights the trial ended with (absent when skipped). */
  valAccuracy?: number;
  valLoss?: number;
  seconds: number;
  /** Seconds estimated before starting (fine-tuning trials). */
  estimateSeconds?: number;
  /** Seconds of the time budget left when the trial ended (or was skipped). */
  budgetLeft?: number;
  outcome: 'kept' | 'not kept' | 'skipped';
  /** Why, in words: "validation accuracy 0.94 > 0.88", "estimated 240 s, 90 s of the budget left". */
  reason: string;
}
