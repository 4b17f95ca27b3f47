// How the fused text model weighs its two rows, from how long the training texts are. Measured on two sets
// (src/bench/text/textCurves.ts): on sentences (median ≈ 27 words) GloVe's row moves the decision where texts
// share few n-grams; on e-mails (median ≈ 250 words) the n-grams already say it and the GloVe row at full
// length cost up to 3 points at 10 per class, and repeated tokens (markup, quoting, signatures) said more
// about the sender's habits than the class, so a term counts once. The GloVe length is a rule, not
// cross-validated: at 10 texts per class a weight chosen on 3 folds was chance (it tied the lexical model).
// The term weighting is the rule's default, which cross-validation on the training texts may overrule
// (fusedWeighting.ts): at 200 e-mails per class sublinear counts were better. Both thresholds (30 and 100 words)
// were chosen on the same two sets the README's learning curves report, so those curves flatter the rule; a
// third set of texts would show whether it carries over.

/** The GloVe row's length beside the TF-IDF row (length √2) in texts of up to SHORT_TEXT_WORDS words. */
export const FUSED_GLOVE_SCALE = 0.5;
/** Median words per text up to which the GloVe row keeps its full length; it shrinks as 1/√words above. */
export const SHORT_TEXT_WORDS = 30;
/** Median words per text above which the lexical part counts each term once (binary TF). */
export const LONG_TEXT_WORDS = 100;

/** The fused model's GloVe scale (two decimals, as the Layers tab shows it) and term weighting. */
export interface FusedShape {
  scale: number;
  binary: boolean;
}

export function fusedShape(medianWords: number): FusedShape {
  const shrink = Math.min(1, Math.sqrt(SHORT_TEXT_WORDS / Math.max(1, medianWords)));
  return { scale: Math.round(FUSED_GLOVE_SCALE * shrink * 100) / 100, binary: medianWords > LONG_TEXT_WORDS };
}
