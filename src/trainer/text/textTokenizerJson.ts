// The exported text models' tokenizer: a Hugging Face tokenizer.json (WordLevel) that gives the ids the engine
// gives, so Python's `tokenizers` (or transformers.js) feeds the ONNX file as `predict` feeds itself. The
// engine's steps, in tokenizers' terms: NFKC and no control characters (normaliseText), identifiers split at
// the same zero-width boundaries, lowercase, accents stripped (GloVe's words are ASCII: the engine finds café
// as cafe), then words are the runs of letters and digits.
import { CONTROL_CHARACTERS } from '../../shared/text/textNormalise';
import { IDENTIFIER_BOUNDARY, WORD_PATTERN, wordTokens } from '../../shared/text/textTokens';
import { FIRST_WORD_ID, PAD_ID, UNKNOWN_ID } from '../data/text/textVocabulary';
import { lookupFolded } from './gloveFeatures';
import type { WordVectors } from './wordVectors';

// The same reserved ids as the engine's corpus vocabulary: id 0 pads, id 1 is a word GloVe lacks, and GloVe's
// word of rank r is id r + FIRST_WORD_ID.
export { FIRST_WORD_ID, PAD_ID, UNKNOWN_ID };

const PAD = '[PAD]';
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

const special = (id: number, content: string) => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special: true,
});

/** tokenizer.json's text: padding to the longest text of a batch (id 0), no truncation. */
export function tokenizerJson(vectors: WordVectors): string {
  const vocab: Record<string, number> = { [PAD]: PAD_ID, [UNKNOWN]: UNKNOWN_ID };
  for (let i = 0; i < vectors.count; i++) vocab[vectors.word(i)] = i + FIRST_WORD_ID;
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: {
      strategy: 'BatchLongest',
      direction: 'Right',
      pad_to_multiple_of: null,
      pad_id: PAD_ID,
      pad_type_id: 0,
      pad_token: PAD,
    },
    added_tokens: [special(PAD_ID, PAD), special(UNKNOWN_ID, UNKNOWN)],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFKC' },
        { type: 'Replace', pattern: { Regex: CONTROL_CHARACTERS }, content: '' },
        { type: 'Replace', pattern: { Regex: IDENTIFIER_BOUNDARY }, content: ' ' },
        { type: 'Lowercase' },
        { type: 'NFD' },
        { type: 'StripAccents' },
      ],
    },
    pre_tokenizer: { type: 'Split', pattern: { Regex: WORD_PATTERN }, behavior: 'Removed', invert: true },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: UNKNOWN },
  };
  return JSON.stringify(tokenizer);
}
