// Which files count as images. The dataset scanner (trainer) and the language server (class counts as you
// type) must agree, and the server must not load the image decoder to know it.

/** File extensions, lower-case with the dot, that the engine reads as images. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.gif',
  '.bmp',
  '.tif',
  '.tiff',
]);

/** Names the scanner skips: hidden files and the junk operating systems leave in folders. */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.') || name === 'Thumbs.db' || name === 'desktop.ini';
}

/**
 * Formats (as the decoder names them after reading the header) that the engine accepts; SVG and PDF are not images to
 * train on.
 */
export const IMAGE_FORMATS: ReadonlySet<string> = new Set([
  'jpeg',
  'png',
  'webp',
  'gif',
  'tiff',
  'heif',
  'avif',
  'bmp',
]);

/**
 * Why a file name is not taken as an image, or undefined when its extension is one of ours. Scan and predict both ask
 * this.
 */
export function imageNameProblem(fileName: string): string | undefined {
  const dot = fileName.lastIndexOf('.');
  const slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
  const ext = dot > slash + 1 ? fileName.slice(dot).toLowerCase() : '';
  return IMAGE_EXTENSIONS.has(ext) ? undefined : `not an image file type (${ext || 'no extension'})`;
}
