// The automatic flow's trials after the heads: baselines without transfer on the pixels (pixelTrials.ts), the
// kept head and a pixel MLP averaged (ensembleTrial.ts), then fine-tuning the base's top blocks
// (autoFineTune.ts). Each must beat the best trial before it.
import type { Trial } from '../../shared/evaluationTypes';
import { AUTO, AUTO_PIXEL_BUDGET_SHARE } from '../../shared/autoFlow';
import { countParams } from '../models/layerInfo';
import { autoFineTune } from './autoFineTune';
import { ensembleTrial } from './ensembleTrial';
import type { HeadOutcome } from './headPhase';
import { pixelTrials } from './pixelTrials';
import { activationOptions, type TransferContext, type TransferState } from './transferContext';

/**
 * The pixel baselines, for their share of the budget; a winner is kept in the state (the run saves it unless
 * fine-tuning beats it too). Not beside an explicit second phase, which continues the transfer model whatever
 * the trials say. Returns the trial to beat.
 */
export async function tryPixelBaselines(
  run: TransferContext,
  state: TransferState,
  head: HeadOutcome,
  best: Trial,
): Promise<Trial> {
  const { recipe } = run;
  if (state.cancelled || !state.trials || recipe.epochs !== AUTO || run.resume) return best;
  if (typeof recipe.secondPhase === 'object') return best;
  const pixels = await pixelTrials({
    recipe,
    split: run.split,
    classes: run.classes.length,
    skips: run.skips,
    signal: run.signal,
    emit: run.emit,
    deadline: Math.min(head.budget.end, head.budget.share(AUTO_PIXEL_BUDGET_SHARE)),
    budgetLeft: head.budget.left,
    best,
  });
  state.trials.push(...pixels.trials);
  state.cancelled = pixels.cancelled;
  state.pixelWinner = pixels.winner;
  return pixels.winner?.trial ?? best;
}

/**
 * The kept transfer head and a pixel MLP, averaged; a winner replaces a pixel baseline that won before it.
 * Not beside an explicit second phase (it continues the transfer model alone). Returns the trial to beat.
 */
export async function tryEnsemble(
  run: TransferContext,
  state: TransferState,
  head: HeadOutcome,
  best: Trial,
): Promise<Trial> {
  if (state.cancelled || !state.trials || run.recipe.epochs !== AUTO || run.resume) return best;
  if (typeof run.recipe.secondPhase === 'object') return best;
  const tried = await ensembleTrial(run, state, head, best);
  if (!tried) return best;
  state.trials.push(tried.trial);
  state.cancelled = tried.cancelled;
  if (!tried.winner) return best;
  state.ensemble = tried.winner;
  if (state.pixelWinner) {
    state.replaced.push(state.pixelWinner.model);
    state.pixelWinner = undefined;
  }
  return tried.winner.trial;
}

/** The automatic second phase: fine-tuning the top blocks on cached activations, kept when it beats `best`. */
export async function tryFineTune(
  run: TransferContext,
  state: TransferState,
  head: HeadOutcome,
  best: Trial,
): Promise<void> {
  const { recipe } = run;
  if (state.cancelled || !state.trials || recipe.secondPhase !== AUTO) return;
  if (!head.cached || run.resume) {
    state.trials.push({
      name: 'fine-tune',
      detail: 'top blocks',
      epochs: 0,
      seconds: 0,
      outcome: 'skipped',
      reason: run.resume
        ? 'a resumed run continues only what it started'
        : 'the head trains on images, not cached features (augmentation, or a base that cannot be split)',
    });
    return;
  }
  const tuned = await autoFineTune({
    // Its own activation caches take the run's options (the cut and samples it sets itself).
    ...activationOptions(run, head.cached),
    full: state.tm.full,
    plan: state.plan,
    layers: run.base.description.layers,
    recipe,
    split: run.split,
    head: best,
    deadline: head.budget.end,
  });
  state.trials.push(...tuned.trials);
  state.history = [...state.history, ...tuned.history];
  state.cancelled = tuned.cancelled;
  if (!tuned.score) return;
  [state.score, state.params] = [tuned.score, countParams(state.tm.full)];
  // Fine-tuning beat the pixel baseline and the ensemble too: the transfer model alone is saved.
  if (state.pixelWinner) {
    state.replaced.push(state.pixelWinner.model);
    state.pixelWinner = undefined;
  }
  if (state.ensemble) {
    state.replaced.push(state.ensemble.model);
    state.ensemble = undefined;
  }
}
