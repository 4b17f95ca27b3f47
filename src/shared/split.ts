// Stratified, seeded split: every class keeps its share in each part, and the same seed and files give
// the same split on any machine, so a recipe reproduces its validation numbers.
import { resolveTestSplit } from './autoFlow';
import type { ClassSummary, TrainRecipe } from './engineTypes';
import { seededRandom, shuffled } from './seededRandom';

/** One example and its class index. */
export interface Sample {
  /** The file, or for examples inside a file (CSV/JSONL rows) `file:line`, shown and reported as it is. */
  path: string;
  label: number;
  /** The example itself when it lives inside a file (a text row); absent for files on disk (images). */
  text?: string;
}

export interface Split {
  train: Sample[];
  validation: Sample[];
  test: Sample[];
}

export interface SplitOptions {
  validationSplit: number;
  testSplit: number;
  seed: number;
  /** Keep at most this many images per class (0: all), chosen by the same seeded shuffle. */
  maxPerClass?: number;
}

/**
 * Examples a class needs so that each part the split asks for gets one (training always does). A test split
 * of `auto` adds nothing: it holds out test examples only when every class is large (see autoFlow.ts).
 */
export function examplesNeededPerClass(validationSplit: number, testSplit: number | 'auto'): number {
  return 1 + (validationSplit > 0 ? 1 : 0) + (testSplit !== 'auto' && testSplit > 0 ? 1 : 0);
}

export function stratifiedSplit(classes: readonly ClassSummary[], options: SplitOptions): Split {
  const random = seededRandom(options.seed);
  const split: Split = { train: [], validation: [], test: [] };
  classes.forEach((c, label) => {
    let files = shuffled(classExamples(c, label), random);
    if (options.maxPerClass && options.maxPerClass > 0) files = files.slice(0, options.maxPerClass);
    const n = files.length;
    const nTest = options.testSplit > 0 ? Math.max(1, Math.round(n * options.testSplit)) : 0;
    const nVal = options.validationSplit > 0 ? Math.max(1, Math.round(n * options.validationSplit)) : 0;
    // Training keeps at least one image per class even for tiny classes.
    const cutVal = Math.min(nVal, Math.max(0, n - nTest - 1));
    split.test.push(...files.slice(0, nTest));
    split.validation.push(...files.slice(nTest, nTest + cutVal));
    split.train.push(...files.slice(nTest + cutVal));
  });
  return split;
}

/** The recipe fields that decide a run's split. */
export type SplitFields = Pick<TrainRecipe, 'validationSplit' | 'testSplit' | 'seed' | 'maxPerClass'>;

/**
 * The split a run of this recipe makes of these classes, `testSplit: auto` resolved by their sizes: the one
 * rule the engine trains by and the panel's Dataset tab counts by. Empty classes are left out.
 */
export function runSplit(classes: readonly ClassSummary[], recipe: SplitFields): { split: Split; testSplit: number } {
  const usable = classes.filter((c) => c.files.length > 0);
  const testSplit = resolveTestSplit(
    recipe.testSplit,
    usable.map((c) => c.files.length),
  );
  return { split: stratifiedSplit(usable, { ...recipe, testSplit }), testSplit };
}

/** A class's examples sorted by path (the order the seeded shuffle starts from), with inline texts if any. */
function classExamples(c: ClassSummary, label: number): Sample[] {
  const samples = c.files.map((path, i): Sample => (c.texts ? { path, label, text: c.texts[i] } : { path, label }));
  return samples.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
