// What a Ray run refuses before it scans a single image: a recipe whose values are invalid (recipes arrive
// over the protocol too, so the engine checks them itself, as a local run does), and what the job cannot
// honour yet, each by name.
import type { TrainRecipe } from '../../shared/engineTypes';
import { EngineError } from '../../shared/engineError';
import { recipeProblems } from '../../shared/recipeChecks';

export function refuseOnRay(recipe: TrainRecipe): void {
  const invalid = recipeProblems(recipe).map((p) => p.message);
  if (invalid.length) throw new EngineError(`Invalid recipe: ${invalid.join('; ')}.`);
  if (recipe.mode !== 'transfer')
    throw new EngineError('A Ray run fine-tunes a base (mode: transfer); mode "source" runs locally only.');
  if (recipe.augmentation)
    throw new EngineError(
      'A Ray run does not augment images yet; remove "augmentation" from the recipe or run it locally.',
    );
  if (recipe.compareScratch)
    throw new EngineError('A Ray run trains the transfer model only; remove "compareScratch" or run it locally.');
}
