// A run whose pixel baseline beat every transfer trial keeps that model, and its folder says so: run.json
// feeds it its own pixels, recipe.json is the recipe that trains this model from scratch (mode source with
// sourceModel), and the checkpoint holds this model, so resuming the run continues it (sourceRun.ts).
import type { TrainRecipe } from '../../shared/engineTypes';
import { imageInput } from '../../shared/inputSpec';
import type { PixelWinner } from './pixelTrials';
import { saveCheckpoint, updateRunInfo, writeRunRecipe } from './runFolder';

/** The recipe of a pixel baseline the automatic flow kept: the same data, split and seed, no base. */
export function keptPixelRecipe(recipe: TrainRecipe, winner: Pick<PixelWinner, 'trial' | 'prep'>): TrainRecipe {
  const kept: TrainRecipe = {
    ...recipe,
    mode: 'source',
    sourceModel: winner.trial.kind === 'pixels-linear' ? 'pixels-linear' : 'pixels-mlp',
    freeze: {},
    inputSize: winner.prep.size,
    inputChannels: winner.prep.channels,
  };
  // The pixel trials trained on the pixels as they are, without a second phase.
  delete kept.secondPhase;
  delete kept.augmentation;
  return kept;
}

/** Rewrites the run folder's recipe, run.json and checkpoint for the kept pixel model. */
export async function recordPixelWinner(runDir: string, recipe: TrainRecipe, winner: PixelWinner): Promise<void> {
  const kept = keptPixelRecipe(recipe, winner);
  writeRunRecipe(runDir, kept);
  updateRunInfo(runDir, {
    mode: kept.mode,
    input: imageInput(winner.prep),
    featureLayer: undefined,
    defaultFeatureLayer: undefined,
  });
  const history = winner.history;
  await saveCheckpoint(runDir, winner.model, { model: 'source', phase: 1, epoch: history.length, history });
}
