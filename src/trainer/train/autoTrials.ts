// The automatic flow's bookkeeping: the first phase described as a trial, and which trial is kept.
import type { TrainRecipe } from '../../shared/engineTypes';
import type { EpochMetrics, Trial } from '../../shared/evaluationTypes';
import { headImprovement, headSchedule } from '../../shared/autoFlow';
import { keptEpoch } from './autoFineTune';
import type { RunContext } from './runLifecycle';

/** The first phase as a trial of the automatic flow: what it trained and what it scored on validation. */
export function headTrialOf(
  recipe: TrainRecipe,
  history: EpochMetrics[],
  stoppedEarly: boolean,
  seconds: number,
  budgetSpent: () => boolean,
  share: number,
): Trial {
  const { epochs, patience } = headSchedule(recipe);
  const relative = headImprovement(recipe);
  const m = keptEpoch(history, stoppedEarly, relative);
  const why =
    stoppedEarly && budgetSpent()
      ? `stopped at its share (${Math.round(share * 100)}%) of the time budget, best epoch kept`
      : stoppedEarly
        ? `stopped when validation loss had not improved${relative ? ` by ${relative * 100}%` : ''} for ${patience} epochs`
        : `ran all ${epochs} epochs`;
  return {
    name: 'head',
    detail: `new head on cached features, learning rate ${recipe.learningRate}; ${why}`,
    epochs: history.length,
    valAccuracy: m?.valAccuracy,
    valLoss: m?.valLoss,
    seconds,
    outcome: 'not kept',
    reason: '',
  };
}

/** The best trial on validation is the kept one (the later trials only replaced it when they beat it). */
export function markKept(trials: Trial[], ctx: RunContext): void {
  const tried = trials.filter((t) => t.outcome !== 'skipped');
  const kept = [...tried].reverse().find((t) => t.reason.includes(' beats ')) ?? tried[0];
  kept.outcome = 'kept';
  if (kept.name === 'head')
    kept.reason = tried.length > 1 ? 'no later trial beat it on validation' : 'the only trial that ran';
  for (const t of tried) {
    if (t !== kept && (t.reason === '' || t.reason.includes(' beats ')))
      t.reason = `${t.reason ? `${t.reason}; ` : ''}replaced by "${kept.name}", better on validation`;
  }
  ctx.emit({ kind: 'log', level: 'info', message: `Automatic flow kept "${kept.name}": ${kept.reason}` });
}
