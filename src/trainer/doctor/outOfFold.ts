// Out-of-fold class probabilities: each example is scored by a linear probe that never saw it, so a wrong
// label cannot be memorised away. The probe is a class-balanced logistic regression on unit-length features
// (embeddings differ more in direction than in length), fitted with tfjs matrix products (probeFit.ts).
import { stratifiedFolds } from '../../shared/confidentLearning';
import { unitRows } from '../../shared/outliers';
import * as tf from '../tf';
import { probeProbabilities } from './probeFit';

/** Folds of the probe; a class needs at least this many examples for its labels to be judged. */
export const PROBE_FOLDS = 5;

/**
 * The probe's L2 weight: stronger than the light classifier's default (0.01), because the labels it learns
 * from are the ones in doubt. On MNIST with 10% flipped labels it lifted precision at k from 0.71 to 0.77.
 */
export const PROBE_L2 = 0.1;
/** Full-batch steps and their rate: the light classifier's defaults. */
const PROBE_ITERATIONS = 100;
const PROBE_RATE = 0.01;

/** n × classes probabilities (row-major), every row from the probe of the folds that left it out. */
export function outOfFoldProbabilities(
  rows: readonly Float32Array[],
  labels: readonly number[],
  classes: number,
  seed: number,
  onFold: (fold: number) => void = () => undefined,
): Float64Array {
  const folds = stratifiedFolds(labels, PROBE_FOLDS, seed);
  const probs = new Float64Array(rows.length * classes);
  const unit = unitRows(rows);
  const x = tf.tensor2d(unit.data, [rows.length, unit.dims]);
  try {
    for (let f = 0; f < PROBE_FOLDS; f++) {
      const train = labels.flatMap((_, i) => (folds[i] === f ? [] : [i]));
      const test = labels.flatMap((_, i) => (folds[i] === f ? [i] : []));
      if (test.length === 0) continue;
      const settings = { seed: seed + f, l2: PROBE_L2, iterations: PROBE_ITERATIONS, learningRate: PROBE_RATE };
      const p = probeProbabilities(x, labels, train, test, classes, settings);
      test.forEach((i, r) => probs.set(p.subarray(r * classes, (r + 1) * classes), i * classes));
      onFold(f);
    }
  } finally {
    x.dispose();
  }
  return probs;
}
