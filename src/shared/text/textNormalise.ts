// One normalisation for every text the engine sees (training, prediction, duplicates), so an example and its
// copy typed again compare equal, and the vocabulary lookups of GloVe (lowercased) match.

/** Control characters other than white space: they carry no meaning in a classifier's input. */
export const CONTROL_CHARACTERS = '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]';
const CONTROL = new RegExp(CONTROL_CHARACTERS, 'g');

/** Unicode NFKC, no BOM or control characters, runs of white space as one space, trimmed. Case is kept. */
export function normaliseText(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .normalize('NFKC')
    .replace(CONTROL, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Cuts a text at `maxChars` characters without splitting a surrogate pair. */
export function clipText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const end = /[\uD800-\uDBFF]/.test(text[maxChars - 1]) ? maxChars - 1 : maxChars;
  return text.slice(0, end);
}
