// Which text model the automatic flow keeps. A few dozen validation texts rank four candidates mostly by
// chance, and a run that keeps a lucky challenger does worse on new texts than the default would have; so the
// default stays unless a challenger beats it on the same validation texts by more than chance explains (exact
// McNemar test on the texts only one of the two got right), as the probe ranks bases.
import { comparePaired } from '../pairedStats';

/** The p-value below which a challenger's lead over the default counts. */
export const TEXT_CHOICE_SIGNIFICANCE = 0.05;

/** One candidate on validation: right or wrong on each text, in the same order for all. */
export interface ValidatedModel {
  kind: string;
  correct: readonly boolean[];
}

/** The kept candidate and why: the most accurate of the challengers that beat the default, else the default. */
export function chooseTextModel(
  defaultKind: string,
  tried: readonly ValidatedModel[],
): { kind: string; reason: 'only' | 'default' | 'significant'; p?: number } {
  const base = tried.find((t) => t.kind === defaultKind);
  if (!base) {
    const best = tried.reduce((a, b) => (accuracy(b) > accuracy(a) ? b : a));
    return { kind: best.kind, reason: 'only' };
  }
  let kept: { kind: string; reason: 'default' | 'significant'; p?: number } = { kind: base.kind, reason: 'default' };
  let keptAccuracy = accuracy(base);
  for (const t of tried) {
    if (t === base) continue;
    const test = comparePaired(t.correct, base.correct);
    if (test.onlyA > test.onlyB && test.p < TEXT_CHOICE_SIGNIFICANCE && accuracy(t) > keptAccuracy) {
      kept = { kind: t.kind, reason: 'significant', p: test.p };
      keptAccuracy = accuracy(t);
    }
  }
  return kept;
}

const accuracy = (t: ValidatedModel) => t.correct.filter(Boolean).length / Math.max(1, t.correct.length);
