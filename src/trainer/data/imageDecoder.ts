// Decodes one image file into model input: EXIF-oriented, first frame of animations, alpha flattened,
// grayscale or CMYK converted, center-cropped to the target aspect and resized, then scaled the way the
// base expects. sharp does the pixel work on its own thread pool, so decoding overlaps with tfjs compute.
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import type { Preprocessing } from '../../shared/engineTypes';
import { pixelScale } from '../../shared/pixelScale';
import { decodeBmp } from './bmp';
import { MAX_INPUT_PIXELS } from './datasetScanner';

/** Raw 8-bit pixels at the model's input size, before scaling. */
export async function decodeToPixels(file: string, prep: Preprocessing): Promise<Buffer> {
  const [height, width] = prep.size;
  let image: Sharp;
  if (path.extname(file).toLowerCase() === '.bmp') {
    const bmp = decodeBmp(await fs.readFile(file));
    image = sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: bmp.channels } });
  } else {
    image = sharp(file, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', pages: 1 }).rotate();
  }
  image = image.flatten({ background: { r: 255, g: 255, b: 255 } }).resize(width, height, { fit: 'cover', position: 'centre' });
  image = prep.channels === 1 ? image.greyscale().toColourspace('b-w') : image.toColourspace('srgb');
  const { data, info } = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== prep.channels || info.width !== width || info.height !== height) {
    throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, expected ${width}×${height}×${prep.channels}`);
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
