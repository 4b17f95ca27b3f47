// The test split's scores of a Ray run as the cluster computed them, on the values its cache holds: the engine
// reads them instead of running the whole base over every test image again on this machine (as long as the job
// itself took). A few test images go through the engine's own model of the trained weights, and the two must
// agree, so the run folder's model is the one the scores describe.
import fs from 'node:fs';
import type { InputSpec } from '../../shared/inputSpec';
import type { CancelSignal } from '../../shared/engineError';
import { EngineError } from '../../shared/engineError';
import type { Sample } from '../../shared/split';
import { SkipList } from '../data/batchStream';
import { dataKind } from '../data/kinds/registry';
import { readNpy } from '../features/npy';
import type { Scored } from '../train/evaluation';
import { scoreExamples } from '../train/predictions';
import type * as tf from '../tf';

/** Test images the engine scores itself to check the cluster's scores. */
export const CHECKED_EXAMPLES = 32;
/** Float32 in two frameworks: the engine and Keras on torch agree far closer than this on a probability. */
export const SCORE_TOLERANCE = 1e-3;
/** Room for the .npy header around the scores themselves. */
const HEADER_BYTES = 4096;

interface ScoreSource {
  model: tf.LayersModel;
  input: InputSpec;
  classes: number;
  batchSize: number;
  signal: CancelSignal;
}

/** The job's scores of `samples` (the test split, in its row order), checked on the first few examples. */
export async function clusterScores(file: string, samples: readonly Sample[], o: ScoreSource): Promise<Scored[]> {
  const bytes = samples.length * o.classes * 4;
  const size = fs.statSync(file).size;
  if (size < bytes || size > bytes + HEADER_BYTES)
    throw new EngineError(`${file} holds ${size} bytes, not the scores of ${samples.length} test examples.`);
  const m = await readNpy(file);
  if (m.rows !== samples.length || m.cols !== o.classes)
    throw new EngineError(`${file} holds ${m.rows} × ${m.cols} scores, not ${samples.length} × ${o.classes}.`);
  const scored = samples.map((s, i) => ({ ...s, probs: m.data.subarray(i * o.classes, (i + 1) * o.classes) }));
  const theirs = new Map(scored.map((s) => [s.path, s.probs]));
  const few = samples.slice(0, CHECKED_EXAMPLES);
  const kind = dataKind(o.input);
  const mine = await scoreExamples(o.model, kind, o.input, few, o.classes, o.batchSize, new SkipList(), o.signal);
  for (const s of mine) {
    const probs = theirs.get(s.path)!;
    const apart = Math.max(...Array.from(s.probs, (p, k) => Math.abs(p - probs[k])));
    if (!(apart <= SCORE_TOLERANCE))
      throw new EngineError(
        `The engine's model of the trained weights scores ${s.path} ${apart.toExponential(1)} away from ` +
          `the cluster's (more than ${SCORE_TOLERANCE}); ${file} does not describe it.`,
      );
  }
  return scored;
}
