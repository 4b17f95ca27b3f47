// Words as GloVe and the lexical model see them. Tickets, logs and commit messages are full of identifiers
// (parseHttpHeader, max_retry_count, src/cli/main.ts); split into their parts they meet GloVe's vocabulary.

/** A word: a run of letters and digits (the exported tokenizer.json splits with the same pattern). */
export const WORD_PATTERN = '[\\p{L}\\p{N}]+';
const WORD = new RegExp(WORD_PATTERN, 'gu');

/**
 * Where an identifier splits: lower→Upper (getUser), the last capital of a run before Capital-lower
 * (HTTPServer), and letter↔digit (md5sum). Zero-width, so the exported tokenizer.json applies the very same
 * pattern (a Replace normalizer; Rust's onig regex reads it as JS does).
 */
export const IDENTIFIER_BOUNDARY =
  '(?<=\\p{Ll})(?=\\p{Lu})|(?<=\\p{Lu})(?=\\p{Lu}\\p{Ll})|(?<=\\p{L})(?=\\p{N})|(?<=\\p{N})(?=\\p{L})';
const BOUNDARY = new RegExp(IDENTIFIER_BOUNDARY, 'u');

/** Parts of one identifier: camelCase, PascalCase, ALLCaps runs and digits split; the separators (_ - . /) too. */
export function splitIdentifier(word: string): string[] {
  return word.split(BOUNDARY).filter((part) => part.length > 0);
}

/**
 * Lowercased words of a (normalised) text, identifiers split into their parts. A word that was split keeps no
 * joined form: "getUserName" gives get, user, name, like "get user name" would.
 */
export function wordTokens(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(WORD)) {
    for (const part of splitIdentifier(match[0])) out.push(part.toLowerCase());
  }
  return out;
}
