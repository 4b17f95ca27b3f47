// How the editor words a text prediction: the label, its score and the runners-up, in one line; and a
// multi-line selection's results as a table, one row per line, for a side document. Pure, so tests read it.
import type { Prediction } from '../engineTypes';

const percent = (x: number) => `${(x * 100).toFixed(1)} %`;

/** The next-best labels with their scores ("feature 6.1 %"), best first. */
export function runnersUp(p: Prediction, count = 2): string[] {
  return Object.entries(p.scores)
    .filter(([label]) => label !== p.label)
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([label, score]) => `${label} ${percent(score)}`);
}

/** "bug 91.2 % (then feature 6.1 %, question 2.7 %)". */
export function scoreLine(p: Prediction): string {
  const rest = runnersUp(p);
  return `${p.label} ${percent(p.confidence)}${rest.length ? ` (then ${rest.join(', ')})` : ''}`;
}

/** One classified line of a selection: its 1-based line number in the document and its text. */
export interface ClassifiedLine {
  line: number;
  text: string;
  prediction: Prediction;
}

/** A Markdown table of per-line results, headed by the document and the run that classified them. */
export function linesReport(document: string, runName: string, lines: readonly ClassifiedLine[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
  const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 79)}…` : s);
  return [
    `# Classified with ${runName}`,
    '',
    `${lines.length} line(s) of ${document}.`,
    '',
    '| line | label | score | then | text |',
    '|---:|---|---:|---|---|',
    ...lines.map(
      ({ line, text, prediction: p }) =>
        `| ${line} | ${cell(p.label)} | ${percent(p.confidence)} | ${cell(runnersUp(p).join(', '))} | ${cell(clip(text))} |`,
    ),
    '',
  ].join('\n');
}
