// The text requests of the trainer (issue 25): scan, train, evaluate and predict on text data with the
// frozen-features + head models (GloVe, lexical, fused). Declared once here, sent by the CLI through the
// trainer client, answered by src/trainer/text/textHandlers.ts.
import { RequestType } from 'vscode-jsonrpc';
import type { Prediction } from '../engineTypes';
import type { Evaluation } from '../evaluationTypes';
import type { SkippedText } from './textExamples';
import type { TextLayer, TextLayerFacts } from './textLayers';
import type { TextModelChoice, TextPooling } from './textRecipe';

/** Which columns of a table hold the text and the label: header names or 1-based positions. */
export interface TextColumnFlags {
  text?: string;
  label?: string;
}

// Declared with the recipe's text section (the webview compiles that table, and no jsonrpc).
export { TEXT_MODEL_CHOICES, type TextModelChoice } from './textRecipe';

/** A text dataset's classes, example counts and what was skipped. */
export interface TextScan {
  source: string;
  classes: { name: string; count: number }[];
  skipped: SkippedText[];
}

export interface TextTrainParams {
  source: string;
  columns: TextColumnFlags;
  model: TextModelChoice;
  outputDir: string;
  seed: number;
  validationSplit: number;
  testSplit: number;
  /** A folder with the user's ONNX sentence encoder: the run fits a head on its vectors instead. */
  base?: string;
  /** Where the encoder's vectors of each text are kept between runs. */
  cacheDir?: string;
  /** The fine-tuned model keeps GloVe's vectors and trains its head only (default: fine-tunes them). */
  freezeEmbedding?: boolean;
  /** How the glove and fused models pool the word vectors (default mean+max). */
  pooling?: TextPooling;
  /** Words the fine-tuned Embedding keeps (default and at most LIMITS.maxTextVocabulary). */
  vocabularySize?: number;
}

/**
 * One model of a text run: its validation accuracy (fitted on train) and held-out accuracy. With a test split,
 * every test accuracy is that of the model refit on train + validation, as the kept one is saved.
 */
export interface TextCandidate {
  name: string;
  validationAccuracy: number;
  testAccuracy: number;
  /** A baseline, compared with but never kept. */
  baseline: boolean;
  /** Seconds its fit took. */
  seconds: number;
}

export interface TextRunResult {
  runDir: string;
  classes: string[];
  split: { train: number; validation: number; test: number };
  kept: string;
  /** 0 lexical only, 1 GloVe only; fused: the GloVe row's length beside the TF-IDF row's √2 under one head. */
  gloveWeight: number;
  /** Texts the saved model learned from: the kept model is fitted again on train + validation. */
  refitOn?: number;
  /** Why the automatic flow kept that model (the default unless a candidate beat it beyond chance). */
  keptBecause?: string;
  candidates: TextCandidate[];
  /** The kept model on the test split, refit; on validation (fitted on train only) when there is no test split. */
  evaluation: Evaluation;
  evaluatedOn: 'test' | 'validation';
  /** Which of the kept model and the baselines scored best where the evaluation was taken. */
  winner: string;
  seconds: number;
  /** The kept model's layers in numbers (absent in runs made before they were recorded). */
  layers?: TextLayerFacts;
}

/** One text to classify; `path` names it in the output (a file, "--text", "stdin:3"). */
export interface TextItem {
  path: string;
  text: string;
}

/** Host → trainer: classes and counts of a text folder or table. */
export const textScan = new RequestType<{ source: string; columns: TextColumnFlags }, TextScan, void>('text/scan');
/** Host → trainer: train the text models on a folder or table and save the kept one as a run folder. */
export const textTrain = new RequestType<TextTrainParams, TextRunResult, void>('text/train');
/** Host → trainer: a text run's accuracy on a labelled folder or table. */
export const textEvaluate = new RequestType<
  { runDir: string; source: string; columns: TextColumnFlags; cacheDir?: string },
  Evaluation,
  void
>('text/evaluate');
/** Host → trainer: classify texts with a text run. */
export const textPredict = new RequestType<{ runDir: string; items: TextItem[] }, Prediction[], void>('text/predict');

/** `layers <text run>`: the kept model's layers. */
export interface TextLayersResult {
  runDir: string;
  kind: string;
  layers: TextLayer[];
}

export const textLayersOf = new RequestType<{ runDir: string }, TextLayersResult, void>('text/layers');
