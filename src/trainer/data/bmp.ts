// libvips (inside sharp) has no BMP loader, yet BMP is a format users have. Uncompressed 24- and 32-bit
// BMPs (what Windows tools write) are decoded here into raw RGB that sharp resizes like any other image.
import { EngineError } from '../../shared/engineError';

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

export function decodeBmp(file: Buffer): RawImage {
  if (file.length < 54 || file.toString('latin1', 0, 2) !== 'BM') throw new EngineError('not a BMP image (bad header)');
  const offset = file.readUInt32LE(10);
  const width = file.readInt32LE(18);
  const rawHeight = file.readInt32LE(22);
  const bits = file.readUInt16LE(28);
  const compression = file.readUInt32LE(30);
  if ((bits !== 24 && bits !== 32) || (compression !== 0 && compression !== 3)) {
    throw new EngineError(`unsupported BMP variant (${bits}-bit, compression ${compression}); save it as PNG or JPEG`);
  }
  const height = Math.abs(rawHeight);
  const bottomUp = rawHeight > 0;
  const bytesPerPixel = bits / 8;
  const stride = Math.ceil((width * bytesPerPixel) / 4) * 4;
  if (width <= 0 || height === 0 || offset + stride * height > file.length)
    throw new EngineError('truncated BMP image');
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = offset + (bottomUp ? height - 1 - y : y) * stride;
    for (let x = 0; x < width; x++) {
      const src = row + x * bytesPerPixel;
      const dst = (y * width + x) * 3;
      data[dst] = file[src + 2];
      data[dst + 1] = file[src + 1];
      data[dst + 2] = file[src];
    }
  }
  return { data, width, height, channels: 3 };
}
