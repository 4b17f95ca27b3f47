// What the automatic flow's words mean on a Ray cluster. The job trains fixed phases with early stopping and
// knows nothing of the local time budget or of trials kept only if validation improves, so:
// - epochs auto: the head's automatic schedule (until validation loss stops improving, up to its cap);
// - testSplit auto: the same rule as a local run (every class must have enough images);
// - secondPhase auto: not tried (the head only), said in the log; an explicit second phase runs as written.
import { AUTO, headSchedule, resolveTestSplit } from '../../shared/autoFlow';
import type { SecondPhase, TrainRecipe } from '../../shared/engineTypes';

/** A recipe with every automatic word resolved for a Ray job: numbers and sections the job can run. */
export interface RayResolved {
  recipe: TrainRecipe & { epochs: number; testSplit: number; secondPhase?: SecondPhase };
  /** Log lines saying what was resolved, for the user. */
  notes: string[];
}

export function resolveAutoForRay(recipe: TrainRecipe, classSizes: readonly number[]): RayResolved {
  const notes: string[] = [];
  const { epochs, patience } = headSchedule(recipe);
  if (recipe.epochs === AUTO)
    notes.push(
      `epochs auto on Ray: until validation loss stops improving for ${patience} epochs, at most ${epochs}; the time budget applies to local runs only.`,
    );
  const testSplit = resolveTestSplit(recipe.testSplit, classSizes);
  if (recipe.testSplit === AUTO) notes.push(`testSplit auto on Ray: ${testSplit}.`);
  const secondPhase = recipe.secondPhase === AUTO ? undefined : recipe.secondPhase;
  if (recipe.secondPhase === AUTO)
    notes.push(
      'secondPhase auto is not tried on Ray (it needs the local time budget and its validation checks): the head only. Write an explicit secondPhase (unfreezeFrom, epochs, learningRate) to fine-tune on the cluster.',
    );
  return { recipe: { ...recipe, epochs, patience, testSplit, secondPhase }, notes };
}
