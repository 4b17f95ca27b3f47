// Bytes to text for every text file the engine reads: UTF-8 with or without BOM; anything else is skipped
// with a reason rather than read as mojibake.
import { clipText } from '../../../shared/text/textNormalise';
import { LIMITS } from '../../../shared/limits';

/** The decoded text, or why the bytes are not usable text. */
export type Decoded = { text: string } | { reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes UTF-8 (a BOM is dropped); NUL bytes mean binary, invalid sequences another encoding. */
export function decodeUtf8(bytes: Uint8Array): Decoded {
  if (bytes.subarray(0, 8192).includes(0)) return { reason: 'binary file (NUL bytes)' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { reason: 'UTF-16 text: save it as UTF-8' };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { reason: 'not UTF-8 (another encoding, such as Latin-1): save it as UTF-8' };
  }
  return { text };
}

/** Bounds one example's characters (LIMITS.maxTextChars). */
export function clipExample(text: string): { text: string; clipped: boolean } {
  const clipped = text.length > LIMITS.maxTextChars;
  return { text: clipped ? clipText(text, LIMITS.maxTextChars) : text, clipped };
}
