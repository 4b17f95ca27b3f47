// Duplicates: exact copies share the SHA-256 of their bytes; near copies (re-encoded, resized, lightly edited)
// have perceptual hashes within a few bits and nearly the same 32×32 gray thumbnail. The hash alone confuses
// simple images (750 pairs of distinct MNIST digits within 6 bits in 1,030 images), so the thumbnails must
// agree too. They are compared by weighted Jaccard distance, Σ|a−b| / Σmax(a, b): unlike a mean difference it
// is not made small by a shared blank background. Feature cosine was measured as the confirmation first and
// dropped: on MNIST it accepted 438 of those distinct pairs (cosine ≥ 0.95) and rejected every JPEG copy
// (0.80–0.90); the thumbnail distance kept copies at ≤ 0.142 and distinct digits at ≥ 0.170. The evaluation
// script still measures both rules (`NEAR_FEATURE_COSINE`), so the choice stays checked.
import { hashWords, wordDistance } from './perceptualHash';

/** Perceptual hashes this close (bits) are candidates… */
export const NEAR_HASH_BITS = 6;
/** …confirmed when their thumbnails' weighted Jaccard distance is at most this. */
export const NEAR_PIXEL_DISTANCE = 0.15;
/** The issue's confirmation rule, measured beside the thumbnails' (src/bench/doctorEval.ts). */
export const NEAR_FEATURE_COSINE = 0.95;

// Candidates come from 8 bands of 8 bits: two hashes within 6 bits agree exactly on at least 2 of the
// 8 bands (pigeonhole), so looking only inside equal bands misses no pair, at any number of images.
const BANDS = 8;

export interface Fingerprint {
  /** Hex digest of the file's bytes. */
  sha: string;
  /** 64-bit perceptual hash, 16 hex digits; absent when the pixels could not be read. */
  hash?: string;
  /** The 32×32 gray thumbnail the hash was computed from. */
  thumbnail?: Uint8Array;
}

/** A file that repeats an earlier one (by index order): `of` is the copy that stays. */
export interface DuplicateMatch {
  index: number;
  of: number;
  exact: boolean;
  /** Thumbnail distance to `of` (0 for exact copies). */
  distance: number;
}

/** Whether hash candidates i and j are near copies. */
export type NearConfirm = (i: number, j: number) => boolean;

/** Exact and near duplicates among `items` (the first of each group by index stays). */
export function findDuplicates(
  items: readonly Fingerprint[],
  confirm: NearConfirm = (i, j) => thumbnailDistance(items[i], items[j]) <= NEAR_PIXEL_DISTANCE,
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
    if (confirm(i, j)) join(i, j);
  }
  const matches: DuplicateMatch[] = [];
  items.forEach((it, i) => {
    const of = root(i);
    if (of === i) return;
    const isExact = exact.has(i) && items[of].sha === it.sha;
    matches.push({ index: i, of, exact: isExact, distance: isExact ? 0 : thumbnailDistance(items[of], it) });
  });
  return matches;
}

/** Weighted Jaccard distance of two thumbnails, 0–1 (1 when either is missing). */
export function thumbnailDistance(a: Fingerprint, b: Fingerprint): number {
  if (!a.thumbnail || !b.thumbnail || a.thumbnail.length !== b.thumbnail.length) return 1;
  let diff = 0;
  let top = 0;
  for (let k = 0; k < a.thumbnail.length; k++) {
    diff += Math.abs(a.thumbnail[k] - b.thumbnail[k]);
    top += Math.max(a.thumbnail[k], b.thumbnail[k]);
  }
  return top === 0 ? 0 : diff / top;
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
