// The automatic flow's other heads on cached features (autoHead.ts trains each): the recipe's head at the
// base's other candidate cuts, then a wider head at the kept cut. A head that beats the one before it
// becomes the run's model, and the run folder says where it cuts the base and which head it has.
import { AUTO_WIDE_HEAD } from '../../shared/autoFlow';
import { resolvedFreeze, resolveFreezePlan } from '../../shared/freezePlan';
import { widerHeadTrial, type WiderHeadInput, type WiderHeadOutcome } from './autoHead';
import type { HeadOutcome } from './headPhase';
import { updateRunInfo, writeRunRecipe } from './runFolder';
import { dropModel, keepModel, type TransferContext, type TransferState } from './transferContext';

/** Tries the other cuts, then the wider head; returns the trial the later trials must beat. */
export async function tryOtherHeads(run: TransferContext, state: TransferState, head: HeadOutcome) {
  let best = head.trial;
  let features = head.features;
  const { atCuts } = head;
  for (const at of head.cuts.slice(1)) {
    if (state.cancelled || !state.trials || !atCuts) break;
    const plan = resolveFreezePlan(run.base.description.layers, { featureLayer: at }, at);
    const other = await trial(run, state, head, best, {
      plan,
      head: run.recipe.head,
      name: `head at ${at}`,
      features: atCuts.byCut.get(at)!,
    });
    if (!other.kept) continue;
    state.plan = plan;
    [best, features] = [other.trial, atCuts.byCut.get(at)];
    // The run folder says where the saved model cuts its base.
    state.runRecipe = { ...state.runRecipe, freeze: resolvedFreeze(run.base.description.layers, plan) };
    writeRunRecipe(run.runDir, state.runRecipe);
    updateRunInfo(run.runDir, { featureLayer: at });
  }
  if (!state.cancelled && state.trials && head.cached && features && head.widerHead) {
    const wider = await trial(run, state, head, best, { plan: state.plan, features });
    if (wider.kept) {
      best = wider.trial;
      // The run folder's recipe says which head the saved model has.
      writeRunRecipe(run.runDir, { ...state.runRecipe, head: AUTO_WIDE_HEAD });
    }
  }
  return best;
}

type TrialSpecifics = Pick<WiderHeadInput, 'plan' | 'head' | 'name' | 'features'>;

/** One head trial on cached features for its share of the budget; a head that wins becomes the run's model. */
async function trial(
  run: TransferContext,
  state: TransferState,
  head: HeadOutcome,
  best: WiderHeadInput['best'],
  specifics: TrialSpecifics,
): Promise<WiderHeadOutcome> {
  const outcome = await widerHeadTrial({
    ...specifics,
    base: run.base.model,
    classes: run.classes.length,
    recipe: run.recipe,
    split: run.split,
    signal: run.signal,
    emit: run.emit,
    deadline: head.budget.share(head.headShare),
    best,
    budgetLeft: head.budget.left,
  });
  state.trials!.push(outcome.trial);
  state.cancelled = outcome.cancelled;
  if (!outcome.kept) {
    dropModel(state, outcome.model);
    return outcome;
  }
  keepModel(state, outcome.model);
  state.history = outcome.history;
  state.score = outcome.score;
  return outcome;
}
