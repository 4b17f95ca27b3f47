// Text examples before the split: normalised, exact duplicates dropped. A text that appears under two labels
// says nothing about either (and would leak between the splits), so every copy of it goes.
import { normaliseText } from './textNormalise';

/** One labelled text; `path` is its file, or `data.csv:12` (file and line) for a row of a table. */
export interface TextExample {
  text: string;
  label: string;
  path: string;
}

/** Why an example was left out, for the scan's list of skipped files and rows. */
export interface SkippedText {
  path: string;
  reason: string;
  /** The class it would have joined, when known (a class folder's file, a deduplicated example). */
  label?: string;
}

/** What deduplication kept and what it dropped. */
export interface DedupedTexts {
  examples: TextExample[];
  skipped: SkippedText[];
}

/** Normalises every text, then keeps the first copy of each (text, label) and no copy of a text with two labels. */
export function dedupeTexts(examples: readonly TextExample[]): DedupedTexts {
  const labelsOf = new Map<string, Set<string>>();
  const normalised = examples.map((e) => ({ ...e, text: normaliseText(e.text) }));
  for (const e of normalised) {
    const labels = labelsOf.get(e.text) ?? new Set<string>();
    labels.add(e.label);
    labelsOf.set(e.text, labels);
  }
  const kept: TextExample[] = [];
  const skipped: SkippedText[] = [];
  const firstOf = new Map<string, string>();
  for (const e of normalised) {
    if (e.text === '') {
      skipped.push({ path: e.path, reason: 'empty text', label: e.label });
    } else if (labelsOf.get(e.text)!.size > 1) {
      const labels = [...labelsOf.get(e.text)!].join(' and ');
      skipped.push({ path: e.path, reason: `the same text is labelled ${labels}`, label: e.label });
    } else if (firstOf.has(e.text)) {
      skipped.push({ path: e.path, reason: `duplicate of ${firstOf.get(e.text)}`, label: e.label });
    } else {
      firstOf.set(e.text, e.path);
      kept.push(e);
    }
  }
  return { examples: kept, skipped };
}
