// The exported text models' tokenizer: a Hugging Face tokenizer.json (WordLevel) that gives the ids the engine
// gives, so Python's `tokenizers` (or transformers.js) feeds the ONNX file as `predict` feeds itself. The
// engine's steps, in tokenizers' terms: NFKC and no control characters (normaliseText), identifiers split at
// the same zero-width boundaries, lowercase, for GloVe accents stripped (its words are ASCII: the engine finds
// café as cafe; the fine-tuned model's own vocabulary keeps them), then words are runs of letters and digits.
import { CONTROL_CHARACTERS } from '../../shared/text/textNormalise';
import { IDENTIFIER_BOUNDARY, WORD_PATTERN, wordTokens } from '../../shared/text/textTokens';
import { FIRST_WORD_ID, PAD_ID, UNKNOWN_ID } from '../data/text/textVocabulary';
import { lookupFolded } from './gloveFeatures';
import type { WordVectors } from './wordVectors';

// The same reserved ids as the engine's corpus vocabulary: id 0 pads, id 1 is a word GloVe lacks, and GloVe's
// word of rank r is id r + FIRST_WORD_ID.
export { FIRST_WORD_ID, PAD_ID, UNKNOWN_ID };

const PAD = '[PAD]';
/**
 * The engine splits words before it lowercases them, the tokenizer after: İ lowercases to i + U+0307 (a mark,
 * not a letter), which would cut İstanbul in two. Without accent folding the dot stays inside the word, as in
 * the engine's `i̇stanbul` (an already decomposed i + U+0307 in the input became a space before lowercasing).
 */
const KEPT_DOT = `(?:${WORD_PATTERN.slice(0, -1)}|(?<=i)\u0307)+`;
const UNKNOWN = '[UNK]';

/** The ids of one (normalised) text, as the exported tokenizer gives them. */
export function textTokenIds(vectors: WordVectors, text: string): number[] {
  return wordTokens(text).map((w) => {
    const rank = lookupFolded(vectors, w);
    return rank < 0 ? UNKNOWN_ID : rank + FIRST_WORD_ID;
  });
}

/**
 * The ONNX inputs of a batch of texts' ids, as the exported tokenizer pads them: each row padded with PAD_ID to
 * the longest (at least 1), `attention_mask` 1 on a token and 0 on padding; int64, [texts, width] row-major.
 */
export function paddedIds(rows: readonly number[][]) {
  const width = Math.max(1, ...rows.map((r) => r.length));
  const flat = (f: (r: readonly number[], j: number) => number) =>
    BigInt64Array.from(rows.flatMap((r) => Array.from({ length: width }, (_, j) => BigInt(f(r, j)))));
  return {
    inputIds: flat((r, j) => r[j] ?? PAD_ID),
    attentionMask: flat((r, j) => (j < r.length ? 1 : 0)),
    shape: [rows.length, width],
  };
}

/** How many ids the exported models know: pad, unknown and every word. */
export const vocabularySize = (vectors: WordVectors) => vectors.count + FIRST_WORD_ID;

/** An added token of a tokenizer.json (pad, unknown): never normalised or split. */
export const specialToken = (id: number, content: string) => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special: true,
});

/** The words a tokenizer.json knows (id = index + FIRST_WORD_ID) and how it reads a text. */
export interface TokenizerWords {
  count: number;
  word(i: number): string;
  /** GloVe's words are ASCII: strip accents (café → cafe). A corpus vocabulary keeps them. */
  foldAccents: boolean;
  /** Tokens kept of a text (the engine's cut), or none. */
  maxLength?: number;
}

/** The built-in GloVe vectors' words, as the GloVe models look them up. */
export const gloveWords = (vectors: WordVectors): TokenizerWords => ({
  count: vectors.count,
  word: (i) => vectors.word(i),
  foldAccents: true,
});

/** tokenizer.json's text: padding to the longest text of a batch (id 0), truncated at `maxLength` if given. */
export function tokenizerJson(words: TokenizerWords): string {
  const vocab: Record<string, number> = { [PAD]: PAD_ID, [UNKNOWN]: UNKNOWN_ID };
  for (let i = 0; i < words.count; i++) vocab[words.word(i)] = i + FIRST_WORD_ID;
  const truncation = words.maxLength
    ? { direction: 'Right', max_length: words.maxLength, strategy: 'LongestFirst', stride: 0 }
    : null;
  const fold = words.foldAccents ? [{ type: 'NFD' }, { type: 'StripAccents' }] : [];
  const tokenizer = {
    version: '1.0',
    truncation,
    padding: {
      strategy: 'BatchLongest',
      direction: 'Right',
      pad_to_multiple_of: null,
      pad_id: PAD_ID,
      pad_type_id: 0,
      pad_token: PAD,
    },
    added_tokens: [specialToken(PAD_ID, PAD), specialToken(UNKNOWN_ID, UNKNOWN)],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFKC' },
        { type: 'Replace', pattern: { Regex: CONTROL_CHARACTERS }, content: '' },
        // A mark NFKC left alone (an i + U+0307 already decomposed, a Devanagari vowel sign) ends the engine's
        // word before any lowercasing; the marks lowercasing makes (İ → i + U+0307) come after this.
        { type: 'Replace', pattern: { Regex: '\\p{M}' }, content: ' ' },
        { type: 'Replace', pattern: { Regex: IDENTIFIER_BOUNDARY }, content: ' ' },
        { type: 'Lowercase' },
        ...fold,
      ],
    },
    pre_tokenizer: {
      type: 'Split',
      pattern: { Regex: words.foldAccents ? WORD_PATTERN : KEPT_DOT },
      behavior: 'Removed',
      invert: true,
    },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: UNKNOWN },
  };
  return JSON.stringify(tokenizer);
}
