// Which files count as images. The dataset scanner (trainer) and the language server (class counts as you
// type) must agree, and the server must not load the image decoder to know it.

/** File extensions, lower-case with the dot, that the engine reads as images. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.bmp', '.tif', '.tiff']);

/** Names the scanner skips: hidden files and the junk operating systems leave in folders. */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.') || name === 'Thumbs.db' || name === 'desktop.ini';
}
