// The text models that train in seconds on frozen features: GloVe (SIF mean + max) with a logistic head, the
// lexical TF-IDF model, their fusion (the default: one logistic head over the TF-IDF row and the GloVe row side
// by side), and the plain GloVe mean + logistic regression kept as a baseline. Features that do not depend on
// the training split (pooled vectors, term counts) are computed once per text.
import { fitGloveState, gloveRow, poolTexts, type GlovePooled, type GloveState } from './gloveFeatures';
import { fitLexicalState, lexicalRow, termCounts } from '../data/text/lexicalFeatures';
import type { LexicalState } from '../data/text/lexicalFeatures';
import { fitSparseLogistic, sparseScorer, type SparseLogisticModel } from './sparseLogistic';
import { denseRow, unitRow, type SparseRow } from '../data/text/sparseRows';
import type { WordVectors } from './wordVectors';
import type { TunedModel } from './tunedEmbedding';
import { fitTunedText, scoreTunedText } from './tunedText';
import { wordTokens } from '../../shared/text/textTokens';
import { C_FUSED, fitFused, fusedRows, type FusedModel } from './fusedText';
import type { TextPooling } from '../../shared/text/textRecipe';

/** Which text model: the default (fused), one of its parts, GloVe fine-tuned, the GloVe-mean baseline, or the
 * user's encoder. */
export type TextModelKind = 'fused' | 'glove' | 'lexical' | 'tuned' | 'glove-mean' | 'encoder';
/** The models of the built-in bases (the encoder needs a folder of the user's). */
export const TEXT_MODEL_KINDS: readonly TextModelKind[] = ['fused', 'glove', 'lexical', 'tuned', 'glove-mean'];

/** Penalties (scikit-learn's C) of the heads: unit-length rows need little penalty to separate. */
const C_LEXICAL = C_FUSED;
const C_GLOVE = 10;

/** A fitted text model: everything needed to score new texts besides the word vectors. */
export interface TextModel {
  kind: TextModelKind;
  classes: number;
  glove?: { state: GloveState; head: SparseLogisticModel; meanOnly: boolean };
  lexical?: { state: LexicalState; head: SparseLogisticModel };
  /** The fine-tuned embedding with its head (a model of its own: never fused). */
  tuned?: TunedModel;
  /** The user's ONNX sentence encoder (by folder and content key) and the head on its vectors. */
  encoder?: EncoderRef & { head: SparseLogisticModel };
  /** The fused model: the states of both rows and one head over [TF-IDF row | GloVe row × scale]. */
  fused?: FusedModel;
  /**
   * GloVe's weight: 1 for GloVe alone, 0 for lexical alone; in the fused model, the GloVe row's length beside
   * the TF-IDF row's √2 (runs of earlier versions: its share in probabilities averaged late).
   */
  gloveWeight: number;
}

/** What the models need of each text, whatever the split. */
export interface TextFeatures {
  pooled: GlovePooled;
  counts: Map<number, number>[];
  /** The words of each text (the fine-tuned model looks them up in its own vocabulary). */
  tokens: string[][];
  /** The vectors of the user's encoder, when the run has one. */
  encoded?: EncoderRef & { vectors: Float32Array[] };
}

/** Which encoder computed a run's vectors: its folder and the hash of its files. */
export interface EncoderRef {
  source: string;
  key: string;
}

export function textFeatures(vectors: WordVectors, texts: readonly string[]): TextFeatures {
  return { pooled: poolTexts(vectors, texts), counts: texts.map(termCounts), tokens: texts.map(wordTokens) };
}

/** Two splits' features as one (the kept model's refit on train + validation). */
export function joinFeatures(a: TextFeatures, b: TextFeatures): TextFeatures {
  const [p, q] = [a.pooled, b.pooled];
  const [n, m] = [a.counts.length, b.counts.length];
  return {
    pooled: {
      means: [...p.means, ...q.means],
      plainMeans: [...p.plainMeans, ...q.plainMeans],
      maxes: [...p.maxes, ...q.maxes],
      coverage: n + m > 0 ? (p.coverage * n + q.coverage * m) / (n + m) : 0,
    },
    counts: [...a.counts, ...b.counts],
    tokens: [...a.tokens, ...b.tokens],
    encoded: a.encoded && b.encoded && { ...a.encoded, vectors: [...a.encoded.vectors, ...b.encoded.vectors] },
  };
}

/** The recipe's text options a fit honours (src/shared/text/textRecipe.ts). */
export interface TextFitOptions {
  freezeEmbedding?: boolean;
  /** The GloVe row's pooling in the glove and fused models. */
  pooling?: TextPooling;
  /** Words of the tuned model's Embedding. */
  vocabularySize?: number;
}

/** Fits a model of `kind` on the features of the training texts and their labels 0…classes-1. */
export function fitTextModel(
  kind: TextModelKind,
  features: TextFeatures,
  labels: readonly number[],
  classes: number,
  seed = 0,
  options: TextFitOptions = {},
): TextModel {
  if (kind === 'encoder') return { kind, classes, encoder: fitEncoderHead(features, labels, classes), gloveWeight: 1 };
  if (kind === 'lexical') return { kind, classes, lexical: fitLexical(features, labels, classes), gloveWeight: 0 };
  if (kind === 'tuned') {
    const tuned = fitTunedText(features.tokens, labels, classes, seed, options);
    return { kind, classes, tuned, gloveWeight: 1 };
  }
  if (kind !== 'fused') {
    const glove = fitGlove(features, labels, classes, kind === 'glove-mean', options.pooling);
    return { kind, classes, glove, gloveWeight: 1 };
  }
  const fused = fitFused(features, labels, classes, options.pooling);
  return { kind, classes, fused, gloveWeight: fused.scale };
}

/** Class probabilities of each text. */
export function scoreTexts(model: TextModel, features: TextFeatures): Float64Array[] {
  if (model.tuned) return scoreTunedText(model.tuned, features.tokens);
  if (model.fused) {
    const scorer = sparseScorer(model.fused.head);
    return fusedRows(model.fused, features).map((r) => scorer.probabilities(r));
  }
  const n = features.counts.length;
  // The encoder's probabilities take GloVe's place (weight 1): a run has one or the other.
  const glove = model.glove
    ? gloveProbabilities(model.glove, features)
    : model.encoder && encoderProbabilities(model.encoder, features);
  const lexical = model.lexical ? lexicalProbabilities(model.lexical, features) : undefined;
  return Array.from({ length: n }, (_, i) => mix(glove?.[i], lexical?.[i], model.gloveWeight, model.classes));
}

function fitGlove(
  features: TextFeatures,
  labels: readonly number[],
  classes: number,
  meanOnly: boolean,
  pooling?: TextPooling,
) {
  const state = meanOnly ? { component: [] } : { ...fitGloveState(features.pooled.means), pooling };
  const rows = gloveRows(state, features, meanOnly);
  return { state, meanOnly, head: fitSparseLogistic(rows, labels, classes, { c: C_GLOVE }) };
}

function gloveRows(state: GloveState, features: TextFeatures, meanOnly: boolean): SparseRow[] {
  const p = features.pooled;
  return meanOnly
    ? p.plainMeans.map((m) => unitRow(denseRow(m)))
    : p.means.map((m, i) => denseRow(gloveRow(state, m, p.maxes[i])));
}

function gloveProbabilities(glove: NonNullable<TextModel['glove']>, features: TextFeatures) {
  const scorer = sparseScorer(glove.head);
  return gloveRows(glove.state, features, glove.meanOnly).map((r) => scorer.probabilities(r));
}

function encoderRows(features: TextFeatures): SparseRow[] {
  if (!features.encoded) throw new Error('the encoder model needs the encoder vectors of its texts');
  return features.encoded.vectors.map((v) => unitRow(denseRow(v)));
}

function fitEncoderHead(features: TextFeatures, labels: readonly number[], classes: number) {
  const { source, key } = features.encoded ?? { source: '', key: '' };
  return { source, key, head: fitSparseLogistic(encoderRows(features), labels, classes, { c: C_GLOVE }) };
}

function encoderProbabilities(encoder: NonNullable<TextModel['encoder']>, features: TextFeatures) {
  const scorer = sparseScorer(encoder.head);
  return encoderRows(features).map((r) => scorer.probabilities(r));
}

function fitLexical(features: TextFeatures, labels: readonly number[], classes: number) {
  const state = fitLexicalState(features.counts);
  const rows = features.counts.map((c) => lexicalRow(state, c));
  return { state, head: fitSparseLogistic(rows, labels, classes, { c: C_LEXICAL }) };
}

function lexicalProbabilities(lexical: NonNullable<TextModel['lexical']>, features: TextFeatures) {
  const scorer = sparseScorer(lexical.head);
  return features.counts.map((c) => scorer.probabilities(lexicalRow(lexical.state, c)));
}

/** Probabilities of a run fused late by an earlier version: GloVe's and lexical's averaged with its weight. */
function mix(g: Float64Array | undefined, l: Float64Array | undefined, w: number, classes: number): Float64Array {
  const out = new Float64Array(classes);
  for (let c = 0; c < classes; c++) out[c] = w * (g?.[c] ?? 0) + (1 - w) * (l?.[c] ?? 0);
  return out;
}

/** Index of the largest value (the first on ties). */
export function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}
