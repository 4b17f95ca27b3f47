// The text models that train in seconds on frozen features: GloVe (SIF mean + max) with a logistic head, the
// lexical TF-IDF model, their late fusion (probabilities averaged with a weight chosen by cross-validation
// on the training split), and the plain GloVe mean + logistic regression kept as a baseline. Features that do
// not depend on the training split (pooled vectors, term counts) are computed once per text.
import { seededRandom, shuffled } from '../../shared/seededRandom';
import { fitGloveState, gloveRow, poolTexts, type GlovePooled, type GloveState } from './gloveFeatures';
import { fitLexicalState, lexicalRow, termCounts, type LexicalState } from '../data/text/lexicalFeatures';
import { fitSparseLogistic, sparseScorer, type SparseLogisticModel } from './sparseLogistic';
import { denseRow, unitRow, type SparseRow } from '../data/text/sparseRows';
import type { WordVectors } from './wordVectors';
import type { TunedModel } from './tunedEmbedding';
import { fitTunedText, scoreTunedText } from './tunedText';
import { wordTokens } from '../../shared/text/textTokens';

/** Which text model: the default (fused), one of its parts, GloVe fine-tuned, the GloVe-mean baseline, or the
 * user's encoder. */
export type TextModelKind = 'fused' | 'glove' | 'lexical' | 'tuned' | 'glove-mean' | 'encoder';
/** The models of the built-in bases (the encoder needs a folder of the user's). */
export const TEXT_MODEL_KINDS: readonly TextModelKind[] = ['fused', 'glove', 'lexical', 'tuned', 'glove-mean'];

/** Penalties (scikit-learn's C) of the heads: unit-length rows need little penalty to separate. */
const C_LEXICAL = 10;
const C_GLOVE = 10;
/** GloVe's share in the fused probabilities: the candidates cross-validation chooses from. */
const FUSION_WEIGHTS = [0, 0.25, 0.5, 0.75, 1];
const FOLDS = 3;

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
  /** GloVe's weight in the fused probabilities (1 for GloVe alone, 0 for lexical alone). */
  gloveWeight: number;
  /** The cross-validated accuracy of each fusion weight, for the run's report. */
  fusionScores?: { weight: number; accuracy: number }[];
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

function subset(f: TextFeatures, at: readonly number[]): TextFeatures {
  const pick = <T>(xs: readonly T[]) => at.map((i) => xs[i]);
  const p = f.pooled;
  return {
    pooled: { means: pick(p.means), plainMeans: pick(p.plainMeans), maxes: pick(p.maxes), coverage: p.coverage },
    counts: pick(f.counts),
    tokens: pick(f.tokens),
    encoded: f.encoded && { ...f.encoded, vectors: pick(f.encoded.vectors) },
  };
}

/** Fits a model of `kind` on the features of the training texts and their labels 0…classes-1. */
export function fitTextModel(
  kind: TextModelKind,
  features: TextFeatures,
  labels: readonly number[],
  classes: number,
  seed = 0,
  options: { freezeEmbedding?: boolean } = {},
): TextModel {
  if (kind === 'encoder') return { kind, classes, encoder: fitEncoderHead(features, labels, classes), gloveWeight: 1 };
  if (kind === 'lexical') return { kind, classes, lexical: fitLexical(features, labels, classes), gloveWeight: 0 };
  if (kind === 'tuned') {
    const tuned = fitTunedText(features.tokens, labels, classes, seed, options.freezeEmbedding);
    return { kind, classes, tuned, gloveWeight: 1 };
  }
  if (kind !== 'fused') {
    return { kind, classes, glove: fitGlove(features, labels, classes, kind === 'glove-mean'), gloveWeight: 1 };
  }
  const fusionScores = crossValidateFusion(features, labels, classes, seed);
  const best = fusionScores.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  return {
    kind,
    classes,
    glove: best.weight > 0 ? fitGlove(features, labels, classes, false) : undefined,
    lexical: best.weight < 1 ? fitLexical(features, labels, classes) : undefined,
    gloveWeight: best.weight,
    fusionScores,
  };
}

/** Class probabilities of each text. */
export function scoreTexts(model: TextModel, features: TextFeatures): Float64Array[] {
  if (model.tuned) return scoreTunedText(model.tuned, features.tokens);
  const n = features.counts.length;
  // The encoder's probabilities take GloVe's place (weight 1): a run has one or the other.
  const glove = model.glove
    ? gloveProbabilities(model.glove, features)
    : model.encoder && encoderProbabilities(model.encoder, features);
  const lexical = model.lexical ? lexicalProbabilities(model.lexical, features) : undefined;
  return Array.from({ length: n }, (_, i) => mix(glove?.[i], lexical?.[i], model.gloveWeight, model.classes));
}

function fitGlove(features: TextFeatures, labels: readonly number[], classes: number, meanOnly: boolean) {
  const state = meanOnly ? { component: [] } : fitGloveState(features.pooled.means);
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

function mix(g: Float64Array | undefined, l: Float64Array | undefined, w: number, classes: number): Float64Array {
  const out = new Float64Array(classes);
  for (let c = 0; c < classes; c++) out[c] = w * (g?.[c] ?? 0) + (1 - w) * (l?.[c] ?? 0);
  return out;
}

/** Out-of-fold probabilities of both parts, then the accuracy of each fusion weight on them. */
function crossValidateFusion(
  features: TextFeatures,
  labels: readonly number[],
  classes: number,
  seed: number,
): { weight: number; accuracy: number }[] {
  const glove: Float64Array[] = [];
  const lexical: Float64Array[] = [];
  for (const held of stratifiedFolds(labels, FOLDS, seed)) {
    const inFold = new Set(held);
    const train = labels.map((_, i) => i).filter((i) => !inFold.has(i));
    const trainF = subset(features, train);
    const trainY = train.map((i) => labels[i]);
    const heldF = subset(features, held);
    const gp = scoreTexts(fitTextModel('glove', trainF, trainY, classes), heldF);
    const lp = scoreTexts(fitTextModel('lexical', trainF, trainY, classes), heldF);
    held.forEach((i, k) => ((glove[i] = gp[k]), (lexical[i] = lp[k])));
  }
  return FUSION_WEIGHTS.map((weight) => {
    let right = 0;
    labels.forEach((y, i) => {
      if (argmax(mix(glove[i], lexical[i], weight, classes)) === y) right++;
    });
    return { weight, accuracy: right / labels.length };
  });
}

/** `k` stratified folds: each class's shuffled examples dealt round-robin, so every fold sees every class. */
export function stratifiedFolds(labels: readonly number[], k: number, seed: number): number[][] {
  const folds: number[][] = Array.from({ length: k }, () => []);
  const random = seededRandom(seed);
  const byClass = new Map<number, number[]>();
  labels.forEach((y, i) => byClass.set(y, [...(byClass.get(y) ?? []), i]));
  let next = 0;
  for (const y of [...byClass.keys()].sort((a, b) => a - b)) {
    for (const i of shuffled(byClass.get(y)!, random)) folds[next++ % k].push(i);
  }
  return folds.filter((f) => f.length > 0);
}

/** Index of the largest value (the first on ties). */
export function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}
