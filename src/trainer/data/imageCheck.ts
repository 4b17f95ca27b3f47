// One rule for "is this an image we can use", shared by the scanner (headers only) and the decoder (before
// it decodes, also for predict): a supported name, a regular file, a supported format by content, and a
// size that is bounded in pixels and in decoded bytes. Reasons are our own words, derived from the bytes
// of the file, never a decoder's message (libvips' text changes with timing and version).
import fs from 'node:fs/promises';
import sharp from 'sharp';
import { IMAGE_FORMATS, imageNameProblem } from '../../shared/imageFiles';
import { formatBytes, LIMITS } from '../../shared/limits';
import { errnoReason, fileKind } from '../../io/boundedRead';

export interface ImageFacts {
  format: string;
  width: number;
  height: number;
  /** Bytes the whole decoded image occupies (what a decode that cannot stream needs at once). */
  decodedBytes: number;
}

/** The facts of a usable image file, or why it is not one (a reason for the skipped list). */
export async function inspectImage(file: string): Promise<ImageFacts | { problem: string }> {
  const byName = imageNameProblem(file);
  if (byName) return { problem: byName };
  let size: number;
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return { problem: `${fileKind(st)}, not a regular file` };
    size = st.size;
  } catch (e) {
    return { problem: `cannot be read (${errnoReason(e)})` };
  }
  if (size === 0) return { problem: 'empty file (0 bytes)' };
  const sniffed = await sniffFormat(file);
  if (sniffed === 'bmp') return bmpFacts(file, size);
  if (!sniffed) return { problem: 'not a readable image (the content is no image format we know)' };
  if (!IMAGE_FORMATS.has(sniffed)) return { problem: `unsupported image format (${sniffed})` };
  try {
    const meta = await sharp(file, { limitInputPixels: false }).metadata();
    const format = meta.format ?? sniffed;
    if (!IMAGE_FORMATS.has(format)) return { problem: `unsupported image format (${format})` };
    const width = meta.width ?? 0;
    const height = meta.pageHeight ?? meta.height ?? 0;
    const depthBytes =
      meta.depth === 'ushort' || meta.depth === 'short'
        ? 2
        : meta.depth === 'float' || meta.depth === 'uint' || meta.depth === 'int'
          ? 4
          : meta.depth === 'double'
            ? 8
            : 1;
    return facts(format, width, height, (meta.channels ?? 4) * depthBytes);
  } catch {
    return { problem: `not a readable image (${await damageReason(file, sniffed)})` };
  }
}

function facts(format: string, width: number, height: number, bytesPerPixel: number): ImageFacts | { problem: string } {
  const pixels = width * height;
  if (pixels > LIMITS.maxImagePixels) {
    return { problem: `image too large (${width}×${height} pixels, limit ${LIMITS.maxImagePixels / 1e6} megapixels)` };
  }
  const decodedBytes = pixels * bytesPerPixel;
  if (decodedBytes > LIMITS.maxDecodedImageBytes) {
    return {
      problem: `image too large (${width}×${height}, ${formatBytes(decodedBytes)} decoded, limit ${formatBytes(LIMITS.maxDecodedImageBytes)} per image)`,
    };
  }
  return { format, width, height, decodedBytes };
}

async function bmpFacts(file: string, size: number): Promise<ImageFacts | { problem: string }> {
  if (size > LIMITS.maxImageFileBytes)
    return { problem: `file too large (${formatBytes(size)}, limit ${formatBytes(LIMITS.maxImageFileBytes)})` };
  const header = await readAt(file, 0, 30);
  if (header.length < 30) return { problem: 'not a readable image (the BMP header is cut short)' };
  // The decoded RGB copy plus the file itself are in memory at once.
  return facts('bmp', Math.abs(header.readInt32LE(18)), Math.abs(header.readInt32LE(22)), 3);
}

/** The format by the file's first bytes, or undefined when it is none we know. */
export async function sniffFormat(file: string): Promise<string | undefined> {
  const b = await readAt(file, 0, 32);
  const ascii = b.toString('latin1');
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (ascii.startsWith('\x89PNG\r\n\x1a\n')) return 'png';
  if (ascii.startsWith('GIF8')) return 'gif';
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'webp';
  if (/^(II[*+]\0|MM\0[*+])/.test(ascii)) return 'tiff';
  if (ascii.startsWith('BM')) return 'bmp';
  if (ascii.slice(4, 8) === 'ftyp') return /avif|avis/.test(ascii.slice(8, 12)) ? 'avif' : 'heif';
  if (/^\s*(<\?xml|<svg|<!DOCTYPE svg)/i.test(ascii)) return 'svg';
  if (ascii.startsWith('%PDF')) return 'pdf';
  return undefined;
}

/** Why a file of a known format failed to decode, from its own bytes: cut short, or damaged. */
export async function damageReason(file: string, format?: string): Promise<string> {
  const kind = format ?? (await sniffFormat(file).catch(() => undefined));
  if (!kind) return 'the content is no image format we know';
  const name = kind.toUpperCase();
  const size = (await fs.stat(file)).size;
  const tail = await readAt(file, Math.max(0, size - 12), 12);
  const endsWell =
    kind === 'jpeg'
      ? tail.includes(Buffer.from([0xff, 0xd9]))
      : kind === 'png'
        ? tail.includes(Buffer.from('IEND', 'latin1'))
        : kind === 'gif'
          ? tail[tail.length - 1] === 0x3b
          : true;
  return endsWell ? `the ${name} data is damaged` : `the ${name} data is cut short`;
}

async function readAt(file: string, position: number, length: number): Promise<Buffer> {
  const handle = await fs.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Decoded bytes in flight across every decode of this process. A decode that needs a whole image in memory
 * (interlaced PNG, TIFF, rotation) takes its full decoded size from this budget first, so a batch of large
 * images decodes one or two at a time instead of all at once.
 */
class ByteBudget {
  private used = 0;
  private readonly waiting: { bytes: number; go: () => void }[] = [];
  constructor(private readonly capacity: number) {}

  async run<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    const need = Math.min(bytes, this.capacity);
    if (this.used + need > this.capacity || this.waiting.length > 0)
      await new Promise<void>((go) => this.waiting.push({ bytes: need, go }));
    else this.used += need;
    try {
      return await work();
    } finally {
      this.used -= need;
      while (this.waiting.length > 0 && this.used + this.waiting[0].bytes <= this.capacity) {
        const next = this.waiting.shift()!;
        this.used += next.bytes;
        next.go();
      }
    }
  }
}

export const decodeBudget = new ByteBudget(LIMITS.maxDecodeBytesInFlight);
