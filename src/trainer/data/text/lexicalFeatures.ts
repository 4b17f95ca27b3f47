// The lexical model's features: word 1–2-grams and character 2–5-grams within words (typos and word pieces
// still match), hashed into fixed spaces (no vocabulary to store), sublinear TF (1 + log tf) times an IDF
// fitted on the training split only, each block unit length. Like scikit-learn's TfidfVectorizer
// (sublinear_tf, smooth_idf, analyzer 'word' and 'char_wb') behind a HashingVectorizer.
import { wordTokens } from '../../../shared/text/textTokens';
import { fromMap, type SparseRow } from './sparseRows';

/**
 * Characters of a text whose character n-grams are counted: a long e-mail's first pages say what it is, and
 * the n-grams of the rest cost time (four per character) for little.
 */
export const CHAR_GRAM_CHARS = 3000;

/** Columns per block (words, characters); the row has twice as many. */
export const LEXICAL_BLOCK = 2 ** 18;

/** State fitted on the training split: IDF per column (0 where no training text had the column). */
export interface LexicalState {
  documents: number;
  idf: Float32Array;
}

/** Hashed term frequencies of one text: column → count. Word grams in block 0, character grams in block 1. */
export function termCounts(text: string): Map<number, number> {
  const counts = new Map<number, number>();
  const add = (gram: string, block: number) => {
    const col = block * LEXICAL_BLOCK + (hash(gram, block) & (LEXICAL_BLOCK - 1));
    counts.set(col, (counts.get(col) ?? 0) + 1);
  };
  const words = wordTokens(text);
  words.forEach((w, i) => {
    add(w, 0);
    if (i > 0) add(`${words[i - 1]} ${w}`, 0);
  });
  for (const word of text.slice(0, CHAR_GRAM_CHARS).toLowerCase().split(/\s+/)) {
    if (word === '') continue;
    const padded = ` ${word} `;
    for (let n = 2; n <= 5; n++) for (let i = 0; i + n <= padded.length; i++) add(padded.slice(i, i + n), 1);
  }
  return counts;
}

/** Smooth IDF over the training texts' counts: ln((1 + n) / (1 + df)) + 1. */
export function fitLexicalState(counts: readonly Map<number, number>[]): LexicalState {
  const df = new Uint32Array(2 * LEXICAL_BLOCK);
  for (const c of counts) for (const col of c.keys()) df[col]++;
  const n = counts.length;
  const idf = Float32Array.from(df, (d) => (d > 0 ? Math.log((1 + n) / (1 + d)) + 1 : 0));
  return { documents: n, idf };
}

/** How a term's count weighs: 1 + ln(count) (the lexical model), or 1 however often (the fused model on long texts). */
export type TermWeighting = 'sublinear' | 'binary';

/** The TF-IDF row of one text's counts; columns unseen in training drop out (their IDF is 0). */
export function lexicalRow(
  state: LexicalState,
  counts: Map<number, number>,
  weighting: TermWeighting = 'sublinear',
): SparseRow {
  const values = new Map<number, number>();
  const norms = [0, 0];
  for (const [col, tf] of counts) {
    const v = (weighting === 'binary' ? 1 : 1 + Math.log(tf)) * state.idf[col];
    if (v === 0) continue;
    values.set(col, v);
    norms[col < LEXICAL_BLOCK ? 0 : 1] += v * v;
  }
  // Each block unit length, the row √2: words and characters weigh the same whatever the text's length.
  const scale = norms.map((s) => (s > 0 ? 1 / Math.sqrt(s) : 0));
  for (const [col, v] of values) values.set(col, v * scale[col < LEXICAL_BLOCK ? 0 : 1]);
  return fromMap(values);
}

/** FNV-1a over UTF-16 code units, seeded by the block so the two blocks collide independently. */
function hash(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ Math.imul(seed + 1, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
