// Balanced sampling for imbalanced classes: past the ratio at which the scanner already warns, each training
// epoch draws every class as often as the largest one (the smaller classes' images repeat), so the loss
// does not learn to favour the large class. Validation and test keep their natural proportions.
import { IMBALANCE_RATIO } from '../data/datasetScanner';
import type { Sample } from '../../shared/split';
import { shuffled } from '../../shared/seededRandom';

function byClass(samples: readonly Sample[]): Sample[][] {
  const groups = new Map<number, Sample[]>();
  for (const s of samples) groups.set(s.label, [...(groups.get(s.label) ?? []), s]);
  return [...groups.values()];
}

/** Whether the largest class has more than IMBALANCE_RATIO times the images of the smallest. */
export function needsBalancing(samples: readonly Sample[]): boolean {
  const counts = byClass(samples).map((g) => g.length);
  return counts.length > 1 && Math.max(...counts) > IMBALANCE_RATIO * Math.min(...counts);
}

/** Images per balanced epoch: every class as large as the largest. */
export function balancedLength(samples: readonly Sample[]): number {
  const groups = byClass(samples);
  return groups.length * Math.max(0, ...groups.map((g) => g.length));
}

/** One epoch's order: each class's images shuffled and repeated up to the largest class's count, then all shuffled. */
export function balancedOrder(samples: readonly Sample[], random: () => number): Sample[] {
  const groups = byClass(samples);
  const target = Math.max(0, ...groups.map((g) => g.length));
  const drawn = groups.flatMap((g) => {
    const out: Sample[] = [];
    while (out.length < target) out.push(...shuffled(g, random).slice(0, target - out.length));
    return out;
  });
  return shuffled(drawn, random);
}
