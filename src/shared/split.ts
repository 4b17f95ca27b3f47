// Stratified, seeded split: every class keeps its share in each part, and the same seed and files give
// the same split on any machine, so a recipe reproduces its validation numbers.
import type { ClassSummary } from './engineTypes';
import { seededRandom, shuffled } from './seededRandom';

/** One image and its class index. */
export interface Sample {
  path: string;
  label: number;
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

export function stratifiedSplit(classes: readonly ClassSummary[], options: SplitOptions): Split {
  const random = seededRandom(options.seed);
  const split: Split = { train: [], validation: [], test: [] };
  classes.forEach((c, label) => {
    let files = shuffled([...c.files].sort(), random);
    if (options.maxPerClass && options.maxPerClass > 0) files = files.slice(0, options.maxPerClass);
    const n = files.length;
    const nTest = options.testSplit > 0 ? Math.max(1, Math.round(n * options.testSplit)) : 0;
    const nVal = options.validationSplit > 0 ? Math.max(1, Math.round(n * options.validationSplit)) : 0;
    // Training keeps at least one image per class even for tiny classes.
    const cutVal = Math.min(nVal, Math.max(0, n - nTest - 1));
    const toSample = (path: string): Sample => ({ path, label });
    split.test.push(...files.slice(0, nTest).map(toSample));
    split.validation.push(...files.slice(nTest, nTest + cutVal).map(toSample));
    split.train.push(...files.slice(nTest + cutVal).map(toSample));
  });
  return split;
}
