// The corpus vocabulary of a text model that reads token ids: the words of the training split, most frequent
// first, capped; id 0 pads, id 1 stands for every word outside it. Fitted on the training split only, so its
// content hash (in the feature-cache key) changes with the split. Fitted vocabularies are kept by that hash
// for the process, so a spec naming one can be tokenized without passing word lists around.
import { createHash } from 'node:crypto';
import { EngineError } from '../../../shared/engineError';
import { LIMITS } from '../../../shared/limits';
import { wordTokens } from '../../../shared/text/textTokens';

export const PAD_ID = 0;
export const UNKNOWN_ID = 1;
/** Ids below this are reserved (padding, unknown); the first word is FIRST_WORD_ID. */
export const FIRST_WORD_ID = 2;

/** At most this many words (measured on the curve sets: see the limit). */
export const MAX_VOCABULARY: number = LIMITS.maxTextVocabulary;

/** A fitted vocabulary: its words in id order (from FIRST_WORD_ID) and their ids. */
export interface TextVocabulary {
  key: string;
  words: readonly string[];
  ids: ReadonlyMap<string, number>;
}

const fitted = new Map<string, TextVocabulary>();

/** The words of `texts` by falling frequency (ties alphabetical), at most `cap`. */
export function fitVocabulary(texts: readonly string[], cap = MAX_VOCABULARY): TextVocabulary {
  return rememberVocabulary(rankWords(texts.map(wordTokens), cap));
}

/** Words of tokenised texts by falling frequency (ties alphabetical), at most `cap`. */
export function rankWords(tokens: readonly (readonly string[])[], cap = MAX_VOCABULARY): string[] {
  const counts = new Map<string, number>();
  for (const text of tokens) for (const w of text) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, cap)
    .map(([w]) => w);
}

/** Word → id of a vocabulary's words (in id order from FIRST_WORD_ID). */
export function wordIds(words: readonly string[]): Map<string, number> {
  return new Map(words.map((w, i) => [w, i + FIRST_WORD_ID]));
}

/** Registers a vocabulary (fitted here or read from a run folder) under its content hash. */
export function rememberVocabulary(words: readonly string[]): TextVocabulary {
  const key = createHash('sha256').update(words.join('\n')).digest('hex').slice(0, 32);
  const vocabulary = { key, words, ids: wordIds(words) };
  fitted.set(key, vocabulary);
  return vocabulary;
}

/** The vocabulary of a content hash; it must have been fitted or read in this process. */
export function vocabularyOf(key: string): TextVocabulary {
  const v = fitted.get(key);
  if (!v) throw new EngineError(`The text vocabulary ${key} is not loaded (read the run folder first).`);
  return v;
}

/** Ids of one text, cut at `maxLength`: unknown words become UNKNOWN_ID. */
export function tokenIds(vocabulary: TextVocabulary, text: string, maxLength: number): number[] {
  const out: number[] = [];
  for (const w of wordTokens(text)) {
    if (out.length >= maxLength) break;
    out.push(vocabulary.ids.get(w) ?? UNKNOWN_ID);
  }
  return out;
}

/** Ids and mask of a batch of texts, [texts, maxLength] row-major, padded with PAD_ID (mask 0). */
export function encodeTexts(
  vocabulary: TextVocabulary,
  texts: readonly string[],
  maxLength: number,
): { ids: Int32Array; mask: Float32Array } {
  const ids = new Int32Array(texts.length * maxLength);
  const mask = new Float32Array(texts.length * maxLength);
  texts.forEach((text, i) => {
    tokenIds(vocabulary, text, maxLength).forEach((id, j) => {
      ids[i * maxLength + j] = id;
      mask[i * maxLength + j] = 1;
    });
  });
  return { ids, mask };
}
