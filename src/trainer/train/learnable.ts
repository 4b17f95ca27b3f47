// A run that cannot learn must stop before training, not save a model "trained" on nothing. The scanner
// reads headers only, so a class whose files all have valid headers but broken pixels passes the scan: here
// each class's training images are decoded until enough of them work (two or three per class in a healthy
// data set), and a class without them stops the run with the counts.
import type { Preprocessing } from '../../shared/engineTypes';
import type { SkipList } from '../data/batchStream';
import { decodeToPixels, ImageProblem } from '../data/imageDecoder';
import type { Split } from '../../shared/split';
import { EngineError } from '../../shared/engineError';

/** Throws when some class has fewer than `needed` decodable images among its training images. */
export async function checkLearnable(
  split: Split,
  classes: readonly string[],
  prep: Preprocessing,
  skips: SkipList,
  needed = 1,
): Promise<void> {
  const short: string[] = [];
  let example = '';
  for (let label = 0; label < classes.length; label++) {
    const files = split.train.filter((s) => s.label === label).map((s) => s.path);
    let ok = 0;
    let tried = 0;
    for (const file of files) {
      if (ok >= needed) break;
      tried++;
      if (skips.has(file)) continue;
      try {
        await decodeToPixels(file, prep);
        ok++;
      } catch (e) {
        if (!(e instanceof ImageProblem)) throw e;
        skips.add(file, e.message);
        example ||= `${file}: ${e.message}`;
      }
    }
    if (ok < needed) short.push(`"${classes[label]}" (${ok} of ${tried} training images decode)`);
  }
  if (short.length > 0) {
    throw new EngineError(
      `Cannot train: no usable training images in class ${short.join(', ')}; e.g. ${example || 'none decodes'}. Fix or remove those files.`,
    );
  }
}
