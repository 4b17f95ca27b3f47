// Duplicates: exact copies share the SHA-256 of their bytes; near copies (re-encoded, resized, lightly edited)
// have perceptual hashes within a few bits and features pointing the same way. The hash alone confuses
// simple images (two plain digits), the features alone confuse two photos of one scene: both must agree.
import { hashWords, wordDistance } from './perceptualHash';

/** Perceptual hashes this close (bits) are candidates… */
export const NEAR_HASH_BITS = 6;
/** …confirmed when their features' cosine is at least this. */
export const NEAR_COSINE = 0.95;

// Candidates come from 8 bands of 8 bits: two hashes within 6 bits agree exactly on at least 2 of the
// 8 bands (pigeonhole), so looking only inside equal bands misses no pair, at any number of images.
const BANDS = 8;

export interface Fingerprint {
  /** Hex digest of the file's bytes. */
  sha: string;
  /** 64-bit perceptual hash, 16 hex digits; absent when the pixels could not be read. */
  hash?: string;
}

/** A file that repeats an earlier one (by index order): `of` is the copy that stays. */
export interface DuplicateMatch {
  index: number;
  of: number;
  exact: boolean;
  /** Feature cosine with `of` (1 for exact copies). */
  cosine: number;
}

/**
 * Exact and near duplicates among `items` (the first of each group by index stays). `cosine(i, j)` gives
 * the feature cosine of two items, or undefined when one has no features.
 */
export function findDuplicates(
  items: readonly Fingerprint[],
  cosine: (i: number, j: number) => number | undefined,
): DuplicateMatch[] {
  const parent = items.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i])));
  const join = (i: number, j: number) => {
    const [a, b] = [root(i), root(j)];
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  };
  const firstBySha = new Map<string, number>();
  const exact = new Set<number>();
  items.forEach((it, i) => {
    const first = firstBySha.get(it.sha);
    if (first === undefined) firstBySha.set(it.sha, i);
    else {
      join(first, i);
      exact.add(i);
    }
  });
  for (const [i, j] of hashCandidates(items)) {
    if (root(i) === root(j)) continue;
    const c = cosine(i, j);
    if (c !== undefined && c >= NEAR_COSINE) join(i, j);
  }
  const matches: DuplicateMatch[] = [];
  items.forEach((it, i) => {
    const of = root(i);
    if (of === i) return;
    const isExact = exact.has(i) && items[of].sha === it.sha;
    matches.push({ index: i, of, exact: isExact, cosine: isExact ? 1 : (cosine(of, i) ?? 0) });
  });
  return matches;
}

/** Pairs [i, j], i < j, whose hashes are within NEAR_HASH_BITS (each pair once). */
function* hashCandidates(items: readonly Fingerprint[]): Generator<[number, number]> {
  const words = items.map((it) => (it.hash ? hashWords(it.hash) : undefined));
  const buckets = Array.from({ length: BANDS }, () => new Map<number, number[]>());
  const band = (w: [number, number], b: number) => (w[b >> 2] >>> ((b & 3) * 8)) & 0xff;
  words.forEach((w, i) => {
    if (!w) return;
    for (let b = 0; b < BANDS; b++) {
      const list = buckets[b].get(band(w, b));
      if (list) list.push(i);
      else buckets[b].set(band(w, b), [i]);
    }
  });
  const seenBy = new Int32Array(items.length).fill(-1);
  for (let i = 0; i < items.length; i++) {
    const w = words[i];
    if (!w) continue;
    for (let b = 0; b < BANDS; b++)
      for (const j of buckets[b].get(band(w, b))!) {
        if (j <= i || seenBy[j] === i) continue;
        seenBy[j] = i;
        if (wordDistance(w, words[j]!) <= NEAR_HASH_BITS) yield [i, j];
      }
  }
}
