// Runs one recipe from folder to run folder: scan and split (prepareRun.ts), then the source CNN
// (sourceRun.ts) or a transfer run phase by phase (transferRun.ts), whose run folder says how it ended.
import type { RunResult, TrainRecipe } from '../../shared/engineTypes';
import { IMBALANCE_RATIO } from '../data/datasetScanner';
import { EngineError } from '../../shared/engineError';
import { recipeProblems } from '../../shared/recipeChecks';
import { AUTO, AUTO_TEST_MIN_PER_CLASS, isAutomatic, resolveTestSplit } from '../../shared/autoFlow';
import { needsBalancing } from './balance';
import { newRunDir, prepareRun } from './prepareRun';
import { markFailed, type Prepared, type RunContext } from './runLifecycle';
import { readCheckpoint } from './runFolder';
import { sourceRun } from './sourceRun';
import { transferRun } from './transferRun';

/** Runs a recipe into a new run folder, or (with `resumeDir`) continues a crashed or cancelled run from its checkpoint. */
export async function runTraining(recipe: TrainRecipe, ctx: RunContext, resumeDir?: string): Promise<RunResult> {
  // Recipes also arrive over the protocol (the extension, other clients): the engine checks them itself.
  const invalid = recipeProblems(recipe).map((p) => p.message);
  if (invalid.length) throw new EngineError(`Invalid recipe: ${invalid.join('; ')}.`);
  const scanned = await prepareRun(recipe, ctx, (r, sizes) => ({
    recipe: { ...r, testSplit: resolveTestSplit(r.testSplit, sizes) },
    notes: [],
  }));
  const { split } = scanned;
  const evaluationNote = noTestSplitNote(scanned.recipe, recipe);
  if (evaluationNote) ctx.emit({ kind: 'log', level: 'warn', message: evaluationNote });
  if (needsBalancing(split.train))
    ctx.emit({
      kind: 'log',
      level: 'info',
      message: `Classes differ by more than ${IMBALANCE_RATIO}×: each training epoch draws every class as often as the largest (balanced sampling); validation and test keep their proportions.`,
    });
  ctx.emit({
    kind: 'log',
    level: 'info',
    message: `${scanned.classes.length} classes; ${split.train.length} training, ${split.validation.length} validation, ${split.test.length} test images; backend ${ctx.backend.detail}`,
  });
  const resume = resumeDir ? readCheckpoint(resumeDir) : undefined;
  if (resumeDir && !resume) throw new EngineError(`${resumeDir} has no checkpoint to resume from (no epoch finished).`);
  const runDir = resumeDir ?? newRunDir(recipe);
  const prepared: Prepared = { ...scanned, evaluationNote, runDir, resume };
  try {
    return await (recipe.mode === 'source' ? sourceRun(prepared, ctx) : transferRun(prepared, ctx));
  } catch (e) {
    markFailed(runDir, e);
    throw e;
  }
}

/** Without a test split the automatic flow's choices and the final figure share the validation split. */
function noTestSplitNote(resolved: TrainRecipe & { testSplit: number }, asWritten: TrainRecipe) {
  if (resolved.testSplit !== 0 || resolved.mode !== 'transfer' || !isAutomatic(resolved)) return undefined;
  const why = asWritten.testSplit === AUTO ? `: a class has fewer than ${AUTO_TEST_MIN_PER_CLASS} images` : '';
  return `No test split (testSplit ${asWritten.testSplit}${why}): the automatic choices and the final figure both use the validation split, so the figure is optimistic.`;
}
