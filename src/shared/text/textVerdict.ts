// How a text run's kept model did beside the baselines where its evaluation was taken. The held-out texts are
// few (24 in a small run), so equal accuracies are common: a tie is said as a tie, never as "scored best".
import type { TextCandidate } from './textProtocol';

/** The kept model scored above every baseline, tied with the named ones, or was beaten by the named one. */
export type TextVerdict = { outcome: 'best' } | { outcome: 'tied'; with: string[] } | { outcome: 'beaten'; by: string };

/** `winner` is the run's record of a baseline that beat the kept model (the kept model's name otherwise). */
export function textVerdict(
  kept: string,
  winner: string,
  candidates: readonly Pick<TextCandidate, 'name' | 'testAccuracy' | 'baseline'>[],
): TextVerdict {
  if (winner !== kept) return { outcome: 'beaten', by: winner };
  const score = candidates.find((c) => c.name === kept && !c.baseline)?.testAccuracy;
  const tied = candidates.filter((c) => c.baseline && c.testAccuracy === score).map((c) => c.name);
  return tied.length > 0 ? { outcome: 'tied', with: tied } : { outcome: 'best' };
}
