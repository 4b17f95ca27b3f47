// The fused text model (the default): one logistic head over a text's TF-IDF row and its GloVe row side by side,
// the GloVe row's length from the length rule (fusedShape.ts), the term weighting from the rule unless 5-fold
// cross-validation on the training texts prefers the other beyond chance (fusedWeighting.ts: the out-of-fold
// log-loss of each weighting at its own best temperature).
import { fitGloveState, gloveRow, type GloveState } from './gloveFeatures';
import { fitLexicalState, LEXICAL_BLOCK, lexicalRow, type LexicalState } from '../data/text/lexicalFeatures';
import { fitSparseLogistic, type SparseLogisticModel } from './sparseLogistic';
import type { SparseRow } from '../data/text/sparseRows';
import type { TextPooling } from '../../shared/text/textRecipe';
import { fusedShape, type FusedShape } from '../../shared/text/fusedShape';
import { calibratedLosses, compareWeightings, weightingFolds } from '../../shared/text/fusedWeighting';
import type { WeightingVerdict } from '../../shared/text/fusedWeighting';
import { stratifiedFolds } from '../../shared/confidentLearning';
import { median } from '../../shared/stats';
import { sparseScorer } from './sparseLogistic';
import type { TextFeatures } from './textHeads';

/** Penalty (scikit-learn's C) of the fused head, as the lexical model's. */
export const C_FUSED = 10;
/** The fused row's GloVe columns come after both lexical blocks. */
export const GLOVE_COLUMN = 2 * LEXICAL_BLOCK;

/** A fitted fused model: the states of both rows and one head over [TF-IDF row | GloVe row × scale]. */
export interface FusedModel {
  lexical: LexicalState;
  glove: GloveState;
  scale: number;
  /** Terms count once (long texts); absent in runs before it could. */
  binary?: boolean;
  head: SparseLogisticModel;
  /** How cross-validation compared the two weightings (absent when the training split was too small, and in
   * runs of earlier versions). */
  weighting?: WeightingVerdict;
}

/** Fits the default model: the rule's shape, its term weighting checked by cross-validation. */
export function fitFused(
  features: TextFeatures,
  labels: readonly number[],
  classes: number,
  pooling?: TextPooling,
): FusedModel {
  const rule = fusedShape(median(features.tokens.map((t) => t.length)));
  const other = { ...rule, binary: !rule.binary };
  const counts = Array.from({ length: classes }, (_, c) => labels.filter((y) => y === c).length);
  const k = weightingFolds(Math.min(...counts.filter((n) => n > 0)));
  if (k === 0) return fitFusedShape(features, labels, classes, rule, pooling);
  const folds = stratifiedFolds(labels, k, 0);
  const [ruleLoss, otherLoss] = [rule, other].map((shape) =>
    outOfFoldLosses(features, labels, classes, folds, k, shape, pooling),
  );
  const weighting = compareWeightings(ruleLoss, otherLoss);
  return { ...fitFusedShape(features, labels, classes, weighting.switched ? other : rule, pooling), weighting };
}

/** Each text's log-loss under the fused model of `shape` fitted on the folds that left it out, at the one
 * temperature that fits these out-of-fold scores best. */
function outOfFoldLosses(
  features: TextFeatures,
  labels: readonly number[],
  classes: number,
  folds: readonly number[],
  k: number,
  shape: FusedShape,
  pooling?: TextPooling,
): number[] {
  const probs = new Array<Float64Array>(labels.length);
  for (let f = 0; f < k; f++) {
    const inFold = labels.map((_, i) => i).filter((i) => folds[i] === f);
    const rest = labels.map((_, i) => i).filter((i) => folds[i] !== f);
    const restLabels = rest.map((i) => labels[i]);
    const model = fitFusedShape(pickFeatures(features, rest), restLabels, classes, shape, pooling);
    const scorer = sparseScorer(model.head);
    fusedRows(model, pickFeatures(features, inFold)).forEach((r, j) => (probs[inFold[j]] = scorer.probabilities(r)));
  }
  return calibratedLosses(probs, labels);
}

/** The features of some texts, by index (the parts the fused model reads). */
function pickFeatures(features: TextFeatures, at: readonly number[]): TextFeatures {
  const p = features.pooled;
  return {
    pooled: {
      means: at.map((i) => p.means[i]),
      plainMeans: at.map((i) => p.plainMeans[i]),
      maxes: at.map((i) => p.maxes[i]),
      coverage: p.coverage,
    },
    counts: at.map((i) => features.counts[i]),
    tokens: at.map((i) => features.tokens[i]),
  };
}

/** Fits the fused model of one shape on the training texts' features. */
export function fitFusedShape(
  features: TextFeatures,
  labels: readonly number[],
  classes: number,
  shape: FusedShape,
  pooling?: TextPooling,
): FusedModel {
  const parts = {
    lexical: fitLexicalState(features.counts),
    glove: { ...fitGloveState(features.pooled.means), pooling },
    ...shape,
  };
  return { ...parts, head: fitSparseLogistic(fusedRows(parts, features), labels, classes, { c: C_FUSED }) };
}

/** Each text's TF-IDF row with its GloVe row (× scale) in the columns after the lexical blocks; no GloVe
 * columns at scale 0 (the lexical end). */
export function fusedRows(
  f: { lexical: LexicalState; glove: GloveState; scale: number; binary?: boolean },
  features: TextFeatures,
): SparseRow[] {
  const p = features.pooled;
  return features.counts.map((counts, i) => {
    const lexical = lexicalRow(f.lexical, counts, f.binary ? 'binary' : 'sublinear');
    if (f.scale === 0) return lexical;
    const glove = gloveRow(f.glove, p.means[i], p.maxes[i]);
    const n = lexical.idx.length;
    const idx = new Int32Array(n + glove.length);
    const val = new Float32Array(n + glove.length);
    idx.set(lexical.idx);
    val.set(lexical.val);
    for (let d = 0; d < glove.length; d++) {
      idx[n + d] = GLOVE_COLUMN + d;
      val[n + d] = glove[d] * f.scale;
    }
    return { idx, val };
  });
}
