// The pixels a Ray job trains on: decoded by the engine's own decoder (the same crop, resize and colour
// handling as a local run) into uint8 .npy files on the shared storage path. The job scales nothing: the
// exported model carries the base's scaling inside itself.
import fs from 'node:fs';
import path from 'node:path';
import type { Preprocessing } from '../../shared/engineTypes';
import type { RaySplitFiles } from '../../shared/rayProtocol';
import type { SkipList } from '../data/batchStream';
import { decodeToPixels, pixelsPerImage } from '../data/imageDecoder';
import type { Sample } from '../../shared/split';
import { CancelledError, EngineError, type CancelSignal } from '../../shared/engineError';
import { contentHash } from '../io/contentHash';

/** Decoded pixels of one Ray run, all splits together; past this, the data belongs in a Ray Dataset. */
export const MAX_RAY_PIXEL_BYTES = 16 * 2 ** 30;

/** Refuses, before writing anything, a data set whose pixels would pass MAX_RAY_PIXEL_BYTES. */
export function checkPixelBudget(images: number, prep: Preprocessing): void {
  const bytes = images * pixelsPerImage(prep);
  if (bytes > MAX_RAY_PIXEL_BYTES) {
    throw new EngineError(
      `${images} images at ${prep.size.join('×')}×${prep.channels} make ${(bytes / 2 ** 30).toFixed(1)} GiB of pixels, over the Ray job's limit of ${MAX_RAY_PIXEL_BYTES / 2 ** 30} GiB; use maxPerClass or a smaller base input.`,
    );
  }
}

/**
 * Writes `<name>_x.npy` (uint8 [n, h, w, c]), `<name>_y.npy` (int32 [n]) and `<name>_keys.json` (each row's
 * content hash, the key of its cached frozen values) into `dir`. Images that fail to decode are left out and
 * listed in `skips`, as a local run does. Returns the files and the samples kept.
 */
export async function writeSplitPixels(
  dir: string,
  name: string,
  samples: readonly Sample[],
  prep: Preprocessing,
  skips: SkipList,
  signal: CancelSignal,
  onImage: () => void,
): Promise<{ files: RaySplitFiles; kept: Sample[] }> {
  const per = pixelsPerImage(prep);
  const kept: Sample[] = [];
  const keys: string[] = [];
  const xFile = path.join(dir, `${name}_x.npy`);
  const shape = (n: number) => [n, prep.size[0], prep.size[1], prep.channels];
  // The header's count is known only at the end; its fixed size lets it be rewritten in place then.
  const out = fs.openSync(xFile, 'w');
  try {
    fs.writeSync(out, npyHeader('|u1', shape(samples.length)));
    for (const s of samples) {
      if (signal.isCancellationRequested) throw new CancelledError();
      try {
        const px = await decodeToPixels(s.path, prep);
        if (px.length !== per) throw new Error(`decoded to ${px.length} bytes, expected ${per}`);
        const key = await contentHash(s.path);
        fs.writeSync(out, px);
        kept.push(s);
        keys.push(key);
      } catch (e) {
        skips.add(s.path, (e as Error).message.split('\n')[0]);
      }
      onImage();
    }
    fs.writeSync(out, npyHeader('|u1', shape(kept.length)), 0, HEADER_BYTES, 0);
  } finally {
    fs.closeSync(out);
  }
  const yFile = path.join(dir, `${name}_y.npy`);
  const labels = Buffer.from(Int32Array.from(kept.map((s) => s.label)).buffer);
  fs.writeFileSync(yFile, Buffer.concat([npyHeader('<i4', [kept.length]), labels]));
  const keysFile = path.join(dir, `${name}_keys.json`);
  fs.writeFileSync(keysFile, JSON.stringify(keys));
  return { files: { x: xFile, y: yFile, keys: keysFile }, kept };
}

const HEADER_BYTES = 128;

/** A version 1.0 .npy header of HEADER_BYTES bytes (a multiple of 64, as the format asks). */
function npyHeader(descr: string, shape: number[]): Buffer {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const text = dict.padEnd(HEADER_BYTES - 11, ' ') + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(text.length, 8);
  return Buffer.concat([head, Buffer.from(text, 'latin1')]);
}
