// A run that cannot learn must stop before training, not save a model "trained" on nothing. The scanner
// reads headers only, so a class whose files all have valid headers but broken pixels passes the scan: here
// each class's training images are decoded until enough of them work (two or three per class in a healthy
// data set), and a class without them stops the run with the counts.
import type { KindInput } from '../../shared/inputSpec';
import type { SkipList } from '../data/batchStream';
import type { DataKind } from '../data/kinds/dataKind';
import type { Split } from '../../shared/split';
import { EngineError } from '../../shared/engineError';

/**
 * Throws when some class has fewer than `needed` decodable examples among its training examples: each
 * class's training examples are decoded one by one, by the kind's module, until `needed` work.
 */
export async function checkLearnable<I extends KindInput>(
  kind: DataKind<I>,
  input: I,
  split: Split,
  classes: readonly string[],
  skips: SkipList,
  needed = 1,
): Promise<void> {
  const short: string[] = [];
  let example = '';
  for (let label = 0; label < classes.length; label++) {
    const samples = split.train.filter((s) => s.label === label);
    let ok = 0;
    let tried = 0;
    for (const sample of samples) {
      if (ok >= needed) break;
      tried++;
      if (skips.has(sample.path)) continue;
      const decoded = await kind.decode([sample], input, skips);
      if (decoded.samples.length > 0) ok++;
      else example ||= `${sample.path}: ${skips.entries.find((e) => e.path === sample.path)?.reason}`;
    }
    if (ok < needed) short.push(`"${classes[label]}" (${ok} of ${tried} training ${kind.noun} decode)`);
  }
  if (short.length > 0) {
    const which = `no usable training ${kind.noun} in class ${short.join(', ')}`;
    throw new EngineError(`Cannot train: ${which}; e.g. ${example || 'none decodes'}. Fix or remove those files.`);
  }
}
