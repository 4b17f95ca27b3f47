// The fine-tuned GloVe model as one of the text models: its vocabulary is the training split's words (at
// most MAX_VOCABULARY), its table starts from the built-in GloVe vectors, and its epochs shrink on large
// training sets so a fit stays within seconds (the automatic flow fits it beside the frozen models).
import { MAX_VOCABULARY, rankWords, wordIds } from '../data/text/textVocabulary';
import { fitTuned, gloveTable, idsOf, scoreTuned, TUNE_DEFAULTS, type TunedModel } from './tunedEmbedding';
import { builtinWordVectors } from './wordVectors';

/** Tokens a text contributes to the masked mean: long e-mails are cut, as the lexical model cuts them. */
export const TUNED_MAX_TOKENS = 400;
/**
 * Token passes per phase (frozen, then tuned): 50 SOTU sentences per class take the full 40 epochs; 200 per
 * class (1,400 sentences, 12 s at load 25) get fewer; a larger training set fewer still, at least MIN_EPOCHS.
 */
const TOKEN_PASSES = 1_000_000;
const MIN_EPOCHS = 3;

/**
 * Fits the fine-tuned model on the tokens of the training texts; with `freezeEmbedding` only the head
 * learns and the table stays GloVe's; `vocabularySize` caps the Embedding's words (the most frequent).
 */
export function fitTunedText(
  tokens: readonly string[][],
  labels: readonly number[],
  classes: number,
  seed: number,
  {
    freezeEmbedding = false,
    vocabularySize = MAX_VOCABULARY,
  }: { freezeEmbedding?: boolean; vocabularySize?: number } = {},
): TunedModel {
  const vectors = builtinWordVectors();
  const words = rankWords(tokens, Math.min(vocabularySize, MAX_VOCABULARY));
  const ids = idsOf(wordIds(words), tokens, TUNED_MAX_TOKENS);
  const passes = ids.reduce((a, t) => a + t.length, 0);
  const epochs = Math.max(MIN_EPOCHS, Math.min(TUNE_DEFAULTS.frozenEpochs, Math.floor(TOKEN_PASSES / passes)));
  return fitTuned(words, gloveTable(vectors, words), vectors.dims, ids, labels, classes, {
    seed,
    frozenEpochs: epochs,
    tunedEpochs: freezeEmbedding ? 0 : epochs,
  });
}

/** Class probabilities of tokenised texts. */
export function scoreTunedText(model: TunedModel, tokens: readonly string[][]): Float64Array[] {
  return scoreTuned(model, idsOf(wordIds(model.words), tokens, TUNED_MAX_TOKENS));
}
