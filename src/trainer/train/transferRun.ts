// A transfer run, phase by phase: the head; the automatic flow's other heads, pixel baselines, ensemble and
// fine-tuning; the recipe's explicit second phase; then the kept model's evaluation and the run's files.
// Each phase reads the run's fixed context and changes its state (transferContext.ts).
import type { RunResult } from '../../shared/engineTypes';
import { imageInput } from '../../shared/inputSpec';
import { loadBase } from '../models/baseModel';
import { disposeModels } from '../models/disposeModels';
import { markKept } from './autoTrials';
import { trainHead } from './headPhase';
import { tryOtherHeads } from './headTrials';
import { tryEnsemble, tryFineTune, tryPixelBaselines } from './laterTrials';
import { readyToLearn, runInfo, startOrResume, type Prepared, type RunContext } from './runLifecycle';
import { explicitSecondPhase } from './secondPhase';
import { initialState, transferContext } from './transferContext';
import { finishTransfer, keptModel } from './transferFinish';

export async function transferRun(p: Prepared, ctx: RunContext): Promise<RunResult> {
  ctx.emit({ kind: 'stage', stage: 'loading-base', message: p.recipe.base });
  const base = await loadBase(p.recipe.base, ctx.cacheDir);
  const input = imageInput(base.description.preprocessing);
  await readyToLearn(p, input, base.description.title).catch((e: unknown) => {
    base.model.dispose();
    throw e;
  });
  const run = transferContext(p, ctx, base, input);
  const state = initialState(run);
  try {
    const info = runInfo(p, input, ctx.backend.detail, state.plan.featureLayer);
    await startOrResume({ ...p, recipe: state.runRecipe }, state.tm.full, info, ctx);
    const started = Date.now();
    const head = await trainHead(run, state);
    const best = await tryOtherHeads(run, state, head);
    const pixels = await tryPixelBaselines(run, state, head, best);
    const leader = await tryEnsemble(run, state, head, pixels);
    await tryFineTune(run, state, head, leader);
    if (state.trials) markKept(state.trials, ctx);
    const saved = await keptModel(run, state);
    await explicitSecondPhase(run, state);
    return await finishTransfer(run, state, saved, started);
  } finally {
    const { tm, replaced } = state;
    disposeModels([tm.head, tm.features, tm.full, base.model, ...replaced]);
  }
}
