// Words as GloVe and the lexical model see them. Tickets, logs and commit messages are full of identifiers
// (parseHttpHeader, max_retry_count, src/cli/main.ts); split into their parts they meet GloVe's vocabulary.

const WORD = /[\p{L}\p{N}]+/gu;

/** Parts of one identifier: camelCase, PascalCase, ALLCaps runs and digits split; the separators (_ - . /) too. */
export function splitIdentifier(word: string): string[] {
  return word
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .replace(/(\p{L})(\p{N})|(\p{N})(\p{L})/gu, (_m, a?: string, b?: string, c?: string, d?: string) =>
      a !== undefined ? `${a} ${b}` : `${c} ${d}`,
    )
    .split(' ')
    .filter((part) => part.length > 0);
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
