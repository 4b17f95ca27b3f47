// The lexical model's features: word 1–2-grams and character 2–5-grams within words (typos and word pieces
// still match), hashed into fixed spaces, sublinear TF (1 + log tf) times an IDF fitted on the training split
// only, each block unit length. Like scikit-learn's TfidfVectorizer (sublinear_tf, smooth_idf, analyzer 'word'
// and 'char_wb') behind a HashingVectorizer — but an n-gram the training split never had counts nothing, even
// where it hashes into a trained column: the fitted state knows its n-grams (a second 32-bit hash tells them
// apart within a column), so the model is a vocabulary model that ONNX's TfIdfVectorizer can state exactly.
import { LIMITS } from '../../../shared/limits';
import { wordTokens } from '../../../shared/text/textTokens';
import { fromMap, type SparseRow } from './sparseRows';

/**
 * Characters of the padded word stream (" w1  w2 … ", code points) whose n-grams are counted: a long e-mail's
 * first pages say what it is, and the n-grams of the rest cost time (four per character) for little.
 */
export const CHAR_GRAM_CHARS = 3000;
/** Character n-gram lengths, and word n-gram lengths. */
export const CHAR_GRAMS = [2, 5] as const;
export const WORD_GRAMS = [1, 2] as const;

/** Columns per block (words, characters); the row has twice as many. */
export const LEXICAL_BLOCK = 2 ** 18;
/** A gram's key is its column × CHECK + a second hash, so keys in one column still tell grams apart. */
const CHECK = 2 ** 32;

/**
 * What separates the words of the character stream: JavaScript's \s, spelled out so that the exported
 * tokenizer (Rust's regex engine) reads the very same class.
 */
export const CHAR_SPACE = '[\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]';
const SPACES = new RegExp(`${CHAR_SPACE}+`, 'u');

/** State fitted on the training split: IDF per column (0 where no training text had the column). */
export interface LexicalState {
  documents: number;
  idf: Float32Array;
  /** The keys of the n-grams of the training split; absent (every n-gram counts) in runs of older versions. */
  seen?: Set<number>;
  /** Those n-grams as text, words then characters, when the state was read from a run folder. */
  grams?: LexicalGrams;
}

/** A lexical model's training n-grams as text: word grams ("a", "a b") and character grams (" ab", "b "). */
export type LexicalGrams = [string[], string[]];

/** A gram's column in the row. */
export const gramColumn = (key: number) => Math.floor(key / CHECK);

/** Calls `visit` with every n-gram of a text: words (block 0), then characters (block 1). */
export function forEachGram(text: string, visit: (gram: string, block: 0 | 1) => void): void {
  const words = wordTokens(text);
  words.forEach((w, i) => {
    visit(w, 0);
    if (i > 0) visit(`${words[i - 1]} ${w}`, 0);
  });
  let budget = CHAR_GRAM_CHARS;
  for (const word of lowerEachCharacter(text).split(SPACES)) {
    if (word === '' || budget <= 0) continue;
    // Code points, not UTF-16 units: a tokenizer splits an emoji as one character (the string path is the
    // same for a word without surrogates, and faster).
    const padded = ` ${word} `;
    const chars = SURROGATE.test(word) ? [...padded].slice(0, budget) : padded.slice(0, budget);
    budget -= chars.length;
    const gram =
      typeof chars === 'string'
        ? (i: number, n: number) => chars.slice(i, i + n)
        : (i: number, n: number) => chars.slice(i, i + n).join('');
    for (let n = CHAR_GRAMS[0]; n <= CHAR_GRAMS[1]; n++)
      for (let i = 0; i + n <= chars.length; i++) visit(gram(i, n), 1);
  }
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * Lowercase character by character, as tokenizers' Lowercase does: JavaScript's toLowerCase alone would make a
 * word-final Σ a ς by its context.
 */
export const lowerEachCharacter = (text: string) => text.replace(/Σ/g, 'σ').toLowerCase();

/** Term frequencies of one text: n-gram key → count. */
export function termCounts(text: string): Map<number, number> {
  const counts = new Map<number, number>();
  forEachGram(text, (gram, block) => {
    const key = gramKey(gram, block);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  return counts;
}

/**
 * Smooth IDF over the training texts' counts: ln((1 + n) / (1 + df)) + 1, and the training n-grams (up to
 * LIMITS.maxLexicalGrams; past it every n-gram counts, as in older versions).
 */
export function fitLexicalState(counts: readonly Map<number, number>[]): LexicalState {
  const df = new Uint32Array(2 * LEXICAL_BLOCK);
  let seen: Set<number> | undefined = new Set<number>();
  for (const c of counts) {
    const columns = new Set<number>();
    for (const key of c.keys()) {
      columns.add(gramColumn(key));
      seen?.add(key);
    }
    for (const col of columns) df[col]++;
    if (seen && seen.size > LIMITS.maxLexicalGrams) seen = undefined;
  }
  const n = counts.length;
  const idf = Float32Array.from(df, (d) => (d > 0 ? Math.log((1 + n) / (1 + d)) + 1 : 0));
  return { documents: n, idf, ...(seen ? { seen } : {}) };
}

/** How a term's count weighs: 1 + ln(count) (the lexical model), or 1 however often (the fused model on long texts). */
export type TermWeighting = 'sublinear' | 'binary';

/** The TF-IDF row of one text's counts; n-grams unseen in training drop out. */
export function lexicalRow(
  state: LexicalState,
  counts: Map<number, number>,
  weighting: TermWeighting = 'sublinear',
): SparseRow {
  const tf = new Map<number, number>();
  for (const [key, count] of counts) {
    if (state.seen && !state.seen.has(key)) continue;
    const col = gramColumn(key);
    tf.set(col, (tf.get(col) ?? 0) + count);
  }
  const values = new Map<number, number>();
  const norms = [0, 0];
  for (const [col, n] of tf) {
    const v = (weighting === 'binary' ? 1 : 1 + Math.log(n)) * state.idf[col];
    if (v === 0) continue;
    values.set(col, v);
    norms[col < LEXICAL_BLOCK ? 0 : 1] += v * v;
  }
  // Each block unit length, the row √2: words and characters weigh the same whatever the text's length.
  const scale = norms.map((s) => (s > 0 ? 1 / Math.sqrt(s) : 0));
  for (const [col, v] of values) values.set(col, v * scale[col < LEXICAL_BLOCK ? 0 : 1]);
  return fromMap(values);
}

/** The training n-grams as text, by block (a run folder keeps them; the ONNX export lists them). */
export function seenGrams(state: LexicalState, texts: readonly string[]): LexicalGrams | undefined {
  const { seen } = state;
  if (!seen) return undefined;
  const found: [Set<string>, Set<string>] = [new Set(), new Set()];
  for (const text of texts)
    forEachGram(text, (gram, block) => seen.has(gramKey(gram, block)) && found[block].add(gram));
  return [[...found[0]].sort(), [...found[1]].sort()];
}

/** The n-gram keys of stored grams, as fitLexicalState found them. */
export function gramKeys(grams: LexicalGrams): Set<number> {
  const keys = new Set<number>();
  grams.forEach((list, block) => list.forEach((gram) => keys.add(gramKey(gram, block as 0 | 1))));
  return keys;
}

/**
 * Column: FNV-1a over UTF-16 code units, seeded by the block so the two blocks collide independently. Check:
 * a second, differently mixed hash of the same units.
 */
export function gramKey(s: string, block: 0 | 1): number {
  let h = (0x811c9dc5 ^ Math.imul(block + 1, 0x9e3779b1)) >>> 0;
  let g = (0x2545f491 ^ Math.imul(block + 7, 0x85ebca6b)) >>> 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h = Math.imul(h ^ c, 0x01000193);
    g = Math.imul(g ^ c, 0x5bd1e995);
    g ^= g >>> 15;
  }
  const column = block * LEXICAL_BLOCK + ((h >>> 0) & (LEXICAL_BLOCK - 1));
  return column * CHECK + (g >>> 0);
}
