// Sentence features from GloVe: a SIF-weighted mean (Arora et al. 2017: weight a / (a + p(w)), the first
// principal component of the training set removed) beside a max pooling, each L2-normalised. Frequent words
// get little weight; p(w) comes from the word's rank, since the file is frequency-ordered (Zipf's law).
import { wordTokens } from '../../shared/text/textTokens';
import type { TextPooling } from '../../shared/text/textRecipe';
import { addVector, maxVector, type WordVectors } from './wordVectors';

/** SIF's smoothing constant: the paper's best range is 1e-4…1e-3. */
export const SIF_A = 1e-3;

/** State fitted on the training split: the direction removed from every mean (unit length, or zeros). */
export interface GloveState {
  component: number[];
  /** mean: the row is the mean alone (absent: mean+max, as every run before the recipe could say). */
  pooling?: TextPooling;
}

/** Per text: the SIF-weighted mean, the plain mean and the max pooling of its known words' vectors. */
export interface GlovePooled {
  means: Float64Array[];
  plainMeans: Float64Array[];
  maxes: Float64Array[];
  /** Share of the texts' words found in the vocabulary. */
  coverage: number;
}

/** Zipf estimate of a word's probability from its rank r (0 = most frequent) among `count` words. */
export function zipfProbability(rank: number, count: number): number {
  return 1 / ((rank + 1) * (Math.log(count) + 0.5772));
}

/** Pools the words of each text; a text without known words pools to zeros. */
export function poolTexts(vectors: WordVectors, texts: readonly string[]): GlovePooled {
  let known = 0,
    total = 0;
  const pooled: GlovePooled = { means: [], plainMeans: [], maxes: [], coverage: 0 };
  for (const text of texts) {
    const mean = new Float64Array(vectors.dims);
    const plain = new Float64Array(vectors.dims);
    const max = new Float64Array(vectors.dims).fill(-Infinity);
    let weights = 0;
    let words = 0;
    for (const word of wordTokens(text)) {
      total++;
      const i = lookupFolded(vectors, word);
      if (i < 0) continue;
      known++;
      words++;
      const w = SIF_A / (SIF_A + zipfProbability(i, vectors.count));
      addVector(vectors, i, w, mean);
      addVector(vectors, i, 1, plain);
      maxVector(vectors, i, max);
      weights += w;
    }
    if (words === 0) max.fill(0);
    for (let d = 0; d < vectors.dims && words > 0; d++) {
      mean[d] /= weights;
      plain[d] /= words;
    }
    pooled.means.push(mean);
    pooled.plainMeans.push(plain);
    pooled.maxes.push(max);
  }
  pooled.coverage = total ? known / total : 0;
  return pooled;
}

/** GloVe 6B's words are ASCII: café is found as cafe. */
export function lookupFolded(vectors: WordVectors, word: string): number {
  const i = vectors.lookup(word);
  return i >= 0 || !/[^\p{ASCII}]/u.test(word) ? i : vectors.lookup(word.normalize('NFD').replace(/\p{M}/gu, ''));
}

/** First principal component (uncentred, as in SIF) of the training means, by power iteration. */
export function fitGloveState(means: readonly Float64Array[]): GloveState {
  const dims = means[0]?.length ?? 0;
  let u: Float64Array = new Float64Array(dims).fill(1 / Math.sqrt(Math.max(dims, 1)));
  for (let step = 0; step < 50; step++) {
    const next = new Float64Array(dims);
    for (const m of means) {
      const p = dot(m, u);
      for (let d = 0; d < dims; d++) next[d] += p * m[d];
    }
    const norm = Math.sqrt(dot(next, next));
    if (norm === 0) return { component: new Array<number>(dims).fill(0) };
    u = next.map((x) => x / norm);
  }
  return { component: [...u] };
}

/**
 * The feature row of one pooled text: [mean without the component | max], each half unit length, × 1/√2;
 * with pooling mean, the mean without the component alone, unit length.
 */
export function gloveRow(state: GloveState, mean: Float64Array, max: Float64Array): Float32Array {
  const dims = mean.length;
  const m = Float64Array.from(mean);
  const p = dot(m, state.component);
  for (let d = 0; d < dims; d++) m[d] -= p * state.component[d];
  if (state.pooling === 'mean') {
    const norm = Math.sqrt(dot(m, m)) || 1;
    return Float32Array.from(m, (x) => x / norm);
  }
  const row = new Float32Array(2 * dims);
  const mNorm = Math.sqrt(dot(m, m)) * Math.SQRT2 || 1;
  const xNorm = Math.sqrt(dot(max, max)) * Math.SQRT2 || 1;
  for (let d = 0; d < dims; d++) {
    row[d] = m[d] / mNorm;
    row[dims + d] = max[d] / xNorm;
  }
  return row;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
