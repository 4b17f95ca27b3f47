// The end of a transfer run: which model is saved (the transfer model, or a pixel baseline that won the
// automatic flow), its evaluation, the baselines without transfer the recipe asked to compare, run.json.
import type { RunResult } from '../../shared/engineTypes';
import type { ModelResult } from '../../shared/evaluationTypes';
import type * as tf from '../tf';
import { baselineVerdict, trainBaselines } from './baselines';
import { finishModel, finishRun, type Prepared, type RunContext } from './runLifecycle';
import { recordPixelWinner } from './pixelWinner';
import type { TransferContext, TransferState } from './transferContext';

/**
 * The model the run saves. An ensemble that won is the transfer model with a pixel branch beside it, on the
 * same input (ensembleTrial.ts). A baseline without transfer that won is the run's model, fed its own pixels
 * (run.json says how, recipe.json trains it, see pixelWinner.ts); its history, scorer and size replace the
 * transfer model's.
 */
export async function keptModel(run: TransferContext, state: TransferState): Promise<tf.LayersModel> {
  const { ensemble } = state;
  if (ensemble) {
    state.replaced.push(ensemble.model);
    if (state.cancelled) return state.tm.full;
    [state.score, state.params] = [ensemble.score, ensemble.params];
    return ensemble.model;
  }
  const winner = state.pixelWinner;
  if (!winner) return state.tm.full;
  state.replaced.push(winner.model);
  if (state.cancelled) return state.tm.full;
  [state.score, state.params, state.history] = [winner.score, winner.params, winner.history];
  await recordPixelWinner(run.runDir, run.recipe, winner);
  return winner.model;
}

/** Evaluates the saved model, trains the baselines the recipe compares it with, and writes the run's files. */
export async function finishTransfer(
  run: TransferContext,
  state: TransferState,
  saved: tf.LayersModel,
  started: number,
): Promise<RunResult> {
  const { history, cancelled, score, params } = state;
  const transfer = await finishModel(run, run, history, cancelled, score, Date.now() - started, params);
  const compared = !cancelled && run.recipe.compareScratch ? await baselineRuns(run, run, transfer) : undefined;
  const { featureCache, trials } = state;
  const [scratch, baselines] = [compared?.scratch, compared?.baselines];
  return finishRun(run, run, saved, cancelled, transfer, scratch, featureCache, trials, baselines);
}

/** The baselines without transfer, each for the transfer run's time; the best of them stands as "scratch". */
async function baselineRuns(
  p: Prepared,
  ctx: RunContext,
  transfer: ModelResult,
): Promise<{ scratch?: ModelResult; baselines: { name: string; result: ModelResult }[] }> {
  const baselines = await trainBaselines({
    recipe: p.recipe,
    split: p.split,
    classes: p.classes.length,
    skips: p.skips,
    signal: ctx.signal,
    emit: ctx.emit,
    seconds: Math.max(1, transfer.trainSeconds),
    finish: (history, cancelled, score, ms, params) => finishModel(p, ctx, history, cancelled, score, ms, params),
  });
  if (baselines.length) ctx.emit({ kind: 'log', level: 'info', message: baselineVerdict(transfer, baselines) });
  const best = baselines.reduce<{ name: string; result: ModelResult } | undefined>(
    (a, b) => (!a || b.result.evaluation.accuracy > a.result.evaluation.accuracy ? b : a),
    undefined,
  );
  return { scratch: best?.result, baselines };
}
