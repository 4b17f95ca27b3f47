// Streams decoded examples in batches: only the current and the next batch are in memory. The next batch
// is decoded (for images by sharp, off the JS thread) while the caller computes on the current one.
import type { Preprocessing, SkippedFile } from '../../shared/engineTypes';
import { mapLimited } from '../../shared/mapLimited';
import { decodeToPixels, pixelsPerImage, scalePixels } from './imageDecoder';
import { ExampleProblem, type DataKind, type DecodedBatch } from './kinds/dataKind';
import type { KindInput } from '../../shared/inputSpec';
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

/** Yields decoded batches of any kind in order, decoding batch k+1 while the consumer works on batch k. */
export async function* exampleBatches<I extends KindInput>(
  kind: DataKind<I>,
  input: I,
  samples: readonly Sample[],
  batchSize: number,
  skips: SkipList,
): AsyncGenerator<DecodedBatch> {
  const starts: number[] = [];
  for (let i = 0; i < samples.length; i += batchSize) starts.push(i);
  const decode = (start: number) => kind.decode(samples.slice(start, start + batchSize), input, skips);
  let pending = starts.length > 0 ? decode(0) : undefined;
  for (let k = 0; k < starts.length; k++) {
    const current = await pending!;
    const next = starts[k + 1];
    pending = next === undefined ? undefined : decode(next);
    if (current.samples.length > 0) yield current;
  }
}
