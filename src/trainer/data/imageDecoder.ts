// Decodes one image file into model input: EXIF-oriented, first frame of animations, alpha flattened,
// grayscale or CMYK converted, center-cropped to the target aspect and resized, then scaled the way the
// base expects. sharp does the pixel work on its own thread pool, so decoding overlaps with tfjs compute.
import sharp, { type Sharp } from 'sharp';
import type { Preprocessing } from '../../shared/engineTypes';
import { pixelScale } from '../../shared/pixelScale';
import { LIMITS } from '../../shared/limits';
import { EngineError } from '../../shared/engineError';
import { readFileBounded } from '../../io/boundedRead';
import { decodeBmp } from './bmp';
import { ExampleProblem } from './kinds/dataKind';
import { damageReason, decodeBudget, inspectImage } from './imageCheck';

/** A file that is not a usable image; the message is the reason as the skipped list shows it. */
export class ImageProblem extends ExampleProblem {
  constructor(reason: string) {
    super(reason);
    this.name = 'ImageProblem';
  }
}

/**
 * Raw 8-bit pixels at the model's input size, before scaling. The file is inspected first (the same rule as
 * the scanner's), then decoded within the process's budget of decoded bytes in flight.
 */
export async function decodeToPixels(file: string, prep: Preprocessing): Promise<Buffer> {
  const facts = await inspectImage(file);
  if ('problem' in facts) throw new ImageProblem(facts.problem);
  try {
    return await decodeBudget.run(facts.decodedBytes, () => decodeChecked(file, facts.format, prep));
  } catch (e) {
    if (e instanceof ImageProblem) throw e;
    // Our own BMP reader's words are stable and say more than "damaged".
    if (e instanceof EngineError) throw new ImageProblem(`could not be decoded (${e.message})`);
    throw new ImageProblem(
      `could not be decoded (${await damageReason(file, facts.format).catch(() => 'unreadable')})`,
    );
  }
}

async function decodeChecked(file: string, format: string, prep: Preprocessing): Promise<Buffer> {
  const [height, width] = prep.size;
  let image: Sharp;
  if (format === 'bmp') {
    const bmp = decodeBmp(readFileBounded(file, LIMITS.maxImageFileBytes, 'image'));
    image = sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: bmp.channels } });
  } else {
    image = sharp(file, { limitInputPixels: LIMITS.maxImagePixels, failOn: 'error', pages: 1 }).rotate();
  }
  image = image
    .flatten({ background: { r: 255, g: 255, b: 255 } })
    .resize(width, height, { fit: 'cover', position: 'centre' });
  image = prep.channels === 1 ? image.greyscale().toColourspace('b-w') : image.toColourspace('srgb');
  const { data, info } = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== prep.channels || info.width !== width || info.height !== height) {
    throw new Error(
      `decoded to ${info.width}×${info.height}×${info.channels}, expected ${width}×${height}×${prep.channels}`,
    );
  }
  return data;
}

/** Writes scaled pixels into `out` at `offset` (one image = h·w·c floats). */
export function scalePixels(pixels: Uint8Array, prep: Preprocessing, out: Float32Array, offset: number): void {
  const { multiply, add } = pixelScale(prep.scale);
  for (let i = 0; i < pixels.length; i++) out[offset + i] = pixels[i] * multiply + add;
}

export function pixelsPerImage(prep: Preprocessing): number {
  return prep.size[0] * prep.size[1] * prep.channels;
}
