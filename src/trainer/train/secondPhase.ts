// The recipe's explicit second phase: the base unfrozen from a layer at the recipe's rate. The frozen layers
// below run once per image into the activation cache when that fits in memory, else images stream through them.
import { secondPhasePlan } from '../../shared/freezePlan';
import { splitBelowTrainable, type FrozenSplit } from '../models/frozenSplit';
import { applyFreezePlan } from '../models/transferModel';
import { activationsBelowTop } from './cachedTop';
import type { FitOptions, FitResult } from './fitLoop';
import { cachedSplit } from './frozenParts';
import { fitDataParallel } from './parallelFit';
import { fitCommon } from './runLifecycle';
import {
  activationOptions,
  checkpointer,
  fitOnImages,
  resumedEpochs,
  scoreFull,
  type TransferContext,
  type TransferState,
} from './transferContext';

/** Runs the recipe's second phase, if it has one and the run goes on; the full model is scored after it. */
export async function explicitSecondPhase(run: TransferContext, state: TransferState): Promise<void> {
  const { recipe, emit } = run;
  const explicit = typeof recipe.secondPhase === 'object' ? recipe.secondPhase : undefined;
  if (state.cancelled || !explicit) return;
  applyFreezePlan(state.tm.full, secondPhasePlan(state.plan, run.base.description.layers, explicit.unfreezeFrom));
  emit({
    kind: 'log',
    level: 'info',
    message: `Second phase: unfreezing from ${explicit.unfreezeFrom} at learning rate ${explicit.learningRate}`,
  });
  const { firstEpoch, earlier } = resumedEpochs(run, 2);
  const options = {
    ...fitCommon(recipe, run),
    relativeImprovement: undefined,
    which: 'transfer' as const,
    phase: 2 as const,
    epochs: explicit.epochs,
    firstEpoch,
    earlier,
    learningRate: explicit.learningRate,
    afterEpoch: checkpointer(run, state, 2),
  };
  const top = splitBelowTrainable(state.tm.full);
  const cached = cachedSplit(top, recipe, run.all.length);
  const second = cached ? await onActivations(run, cached, options) : await fitOnImages(run, state, top, options);
  state.history = [...state.history, ...earlier, ...second.history];
  state.cancelled = second.cancelled;
  state.score = scoreFull(run, state);
}

/** The top trained on the frozen bottom's activations. */
async function onActivations(
  run: TransferContext,
  part: FrozenSplit,
  options: Omit<FitOptions, 'model' | 'train' | 'validation'>,
): Promise<FitResult> {
  const cached = await activationsBelowTop(activationOptions(run, part));
  run.emit({
    kind: 'log',
    level: 'info',
    message: `Layers up to ${part.boundary} stay frozen in the second phase: they ran once per image (cache: ${cached.hits} hits, ${cached.misses} computed)`,
  });
  return fitDataParallel({
    ...options,
    model: part.top,
    train: cached.source(run.split.train),
    validation: cached.source(run.split.validation),
  });
}
