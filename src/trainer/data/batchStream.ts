// Streams decoded images in batches: only the current and the next batch are in memory. The next batch
// is decoded (by sharp, off the JS thread) while the caller computes on the current one.
import type { Preprocessing, SkippedFile } from '../../shared/engineTypes';
import { mapLimited } from '../../shared/mapLimited';
import { decodeToPixels, pixelsPerImage, scalePixels } from './imageDecoder';
import { ExampleProblem } from './kinds/dataKind';
import type { Sample } from '../../shared/split';

export interface ImageBatch {
  /** batch · h · w · c floats, already scaled. */
  pixels: Float32Array;
  samples: Sample[];
}

/** Collects files that fail to decode, once each, so a run reports them and leaves them out. */
export class SkipList {
  private readonly reasons = new Map<string, string>();
  add(path: string, reason: string): void {
    if (!this.reasons.has(path)) this.reasons.set(path, reason);
  }
  has(path: string): boolean {
    return this.reasons.has(path);
  }
  get entries(): SkippedFile[] {
    return [...this.reasons].map(([path, reason]) => ({ path, reason }));
  }
}

export async function decodeBatch(
  samples: readonly Sample[],
  prep: Preprocessing,
  skips: SkipList,
): Promise<ImageBatch> {
  const size = pixelsPerImage(prep);
  const decoded = await mapLimited(samples, 8, async (s) => {
    if (skips.has(s.path)) return undefined;
    try {
      return { sample: s, pixels: await decodeToPixels(s.path, prep) };
    } catch (e) {
      // Anything else thrown while decoding is a bug in our code: let it surface as one.
      if (!(e instanceof ExampleProblem)) throw e;
      skips.add(s.path, e.message);
      return undefined;
    }
  });
  const ok = decoded.filter((d): d is NonNullable<typeof d> => d !== undefined);
  const pixels = new Float32Array(ok.length * size);
  ok.forEach((d, i) => scalePixels(d.pixels, prep, pixels, i * size));
  return { pixels, samples: ok.map((d) => d.sample) };
}

/** Yields batches in order, decoding batch k+1 while the consumer works on batch k. */
export async function* imageBatches(
  samples: readonly Sample[],
  batchSize: number,
  prep: Preprocessing,
  skips: SkipList,
): AsyncGenerator<ImageBatch> {
  const starts: number[] = [];
  for (let i = 0; i < samples.length; i += batchSize) starts.push(i);
  let pending = starts.length > 0 ? decodeBatch(samples.slice(0, batchSize), prep, skips) : undefined;
  for (let k = 0; k < starts.length; k++) {
    const current = await pending!;
    const next = starts[k + 1];
    pending = next === undefined ? undefined : decodeBatch(samples.slice(next, next + batchSize), prep, skips);
    if (current.samples.length > 0) yield current;
  }
}
