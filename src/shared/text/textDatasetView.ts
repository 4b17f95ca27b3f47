// What the panel's Dataset tab shows of a text dataset: per class its count, a few snippets and how long its
// texts are; the duplicates dropped before the split; every other skipped file or row with its reason.
// Pure: the trainer builds it from the read dataset, tests from examples.
import type { SkippedText, TextExample } from './textExamples';

/** Upper bounds (words) of the length buckets; the last bucket is open. */
export const LENGTH_BUCKETS: readonly number[] = [10, 25, 50, 100, 250];
const SNIPPETS_PER_CLASS = 3;
const SNIPPET_CHARS = 160;
/** Lists are cut for the panel; the counts stay whole. */
const LISTED = 200;

export interface TextClassView {
  name: string;
  count: number;
  snippets: { path: string; text: string }[];
  /** Texts per length bucket (LENGTH_BUCKETS), in words. */
  lengths: number[];
  medianWords: number;
  /** Copies of this class's texts dropped before the split (and its texts also labelled otherwise). */
  duplicates: number;
  /** Its files or rows left out for another reason (binary, another encoding, too large, empty). */
  skipped: number;
}

/** A text dataset as the Dataset tab draws it. */
export interface TextDatasetView {
  source: string;
  classes: TextClassView[];
  duplicates: SkippedText[];
  duplicateCount: number;
  skipped: SkippedText[];
  skippedCount: number;
  /** How many texts the next training puts in each part. */
  split: { train: number; validation: number; test: number };
}

/** Whether a skip is a duplicate (of a kept text, or the same text under two labels). */
export const isDuplicateSkip = (s: SkippedText) => /^(duplicate of |the same text is labelled )/.test(s.reason);

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

export function textDatasetView(
  source: string,
  classes: readonly string[],
  examples: readonly TextExample[],
  skipped: readonly SkippedText[],
  split: TextDatasetView['split'],
): TextDatasetView {
  const duplicates = skipped.filter(isDuplicateSkip);
  const others = skipped.filter((s) => !isDuplicateSkip(s));
  return {
    source,
    classes: classes.map((name) => ({
      ...classView(
        name,
        examples.filter((e) => e.label === name),
      ),
      duplicates: duplicates.filter((s) => s.label === name).length,
      skipped: others.filter((s) => s.label === name).length,
    })),
    duplicates: duplicates.slice(0, LISTED),
    duplicateCount: duplicates.length,
    skipped: others.slice(0, LISTED),
    skippedCount: others.length,
    split,
  };
}

type ClassExamples = Omit<TextClassView, 'duplicates' | 'skipped'>;

function classView(name: string, examples: readonly TextExample[]): ClassExamples {
  const words = examples.map((e) => wordCount(e.text)).sort((a, b) => a - b);
  const lengths = new Array<number>(LENGTH_BUCKETS.length + 1).fill(0);
  for (const n of words) {
    const at = LENGTH_BUCKETS.findIndex((bound) => n <= bound);
    lengths[at < 0 ? LENGTH_BUCKETS.length : at]++;
  }
  return {
    name,
    count: examples.length,
    snippets: examples.slice(0, SNIPPETS_PER_CLASS).map((e) => ({
      path: e.path,
      text: e.text.length > SNIPPET_CHARS ? `${e.text.slice(0, SNIPPET_CHARS - 1)}…` : e.text,
    })),
    lengths,
    medianWords: words.length ? words[Math.floor(words.length / 2)] : 0,
  };
}
