// Small previews for the panel: decoded like model input (EXIF-oriented, first frame, BMP included), then
// encoded as a JPEG data URI, so the webview never loads a full-size file from the dataset.
import sharp from 'sharp';
import type { Thumbnail } from '../../shared/engineTypes';
import { decodeToPixels } from './imageDecoder';

export async function makeThumbnails(files: readonly string[], size: number): Promise<Thumbnail[]> {
  const side = Math.max(16, Math.min(256, Math.round(size)));
  return Promise.all(
    files.map(async (file): Promise<Thumbnail> => {
      try {
        const pixels = await decodeToPixels(file, { size: [side, side], channels: 3, scale: 'raw' });
        const jpeg = await sharp(pixels, { raw: { width: side, height: side, channels: 3 } })
          .jpeg({ quality: 75 })
          .toBuffer();
        return { path: file, src: `data:image/jpeg;base64,${jpeg.toString('base64')}` };
      } catch (e) {
        return { path: file, src: '', error: (e as Error).message.split('\n')[0] };
      }
    }),
  );
}
