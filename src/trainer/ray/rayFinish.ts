// The engine's half of a Ray run after the job: build the very TF.js model a local run of the recipe builds,
// set the trained weights into it by layer name, evaluate it (from the cluster's test scores, checked against the
// engine's model on a few images; rayScores.ts) and save a normal run folder, with the run's timings (the host's
// start-up and decoding, the job's own, the engine's evaluation).
import fs from 'node:fs';
import path from 'node:path';
import type { ProgressEvent, RunResult, RunTimings } from '../../shared/engineTypes';
import type { EpochMetrics } from '../../shared/evaluationTypes';
import type { CancelSignal } from '../../shared/engineError';
import type { RayPlan } from '../../shared/rayProtocol';
import type { Sample } from '../../shared/split';
import type { RayFinishParams } from '../../shared/trainerProtocol';
import { SkipList } from '../data/batchStream';
import { dataKind } from '../data/kinds/registry';
import { withBaseAtCut } from '../models/baseAtCut';
import { countParams } from '../models/layerInfo';
import { saveLayersModel } from '../models/modelFiles';
import { evaluatePredictions } from '../train/evaluation';
import { scoreExamples } from '../train/predictions';
import { readRecipe, readRunInfo, updateRunInfo, writeEvaluation, writeMetrics } from '../train/runFolder';
import { CHECKED_EXAMPLES, clusterScores } from './rayScores';
import { setWeightsByLayerName } from './rayWeights';

/** What both halves of a Ray run get from the trainer. */
export interface RayCtx {
  cacheDir: string;
  signal: CancelSignal;
  emit: (e: ProgressEvent) => void;
}

/** What the finishing half needs from the preparing half, saved in the run folder (ray-job.json). */
export interface JobRecord {
  plan: RayPlan;
  test: Sample[];
  validation: Sample[];
  train: number;
}

export async function finishRayRun(
  { runDir, trained, before }: Omit<RayFinishParams, 'cacheDir'>,
  ctx: RayCtx,
): Promise<RunResult> {
  const recipe = readRecipe(runDir);
  const info = readRunInfo(runDir);
  const record = JSON.parse(fs.readFileSync(path.join(runDir, 'ray-job.json'), 'utf8')) as JobRecord & {
    jobDir: string;
  };
  ctx.emit({ kind: 'stage', stage: 'loading-base', message: recipe.base });
  const choice = { freeze: recipe.freeze, head: recipe.head, classes: info.classes.length, seed: recipe.seed };
  return withBaseAtCut(recipe.base, ctx.cacheDir, choice, async ({ model: tm }) => {
    setWeightsByLayerName(tm.full, record.plan.outDir);
    const history: EpochMetrics[] = trained.history;
    const evaluatedOn = record.test.length > 0 ? 'test' : 'validation';
    const evaluationStarted = Date.now();
    ctx.emit({ kind: 'stage', stage: 'evaluating' });
    const samples = evaluatedOn === 'test' ? record.test : record.validation;
    const source = {
      model: tm.full,
      input: info.input,
      classes: info.classes.length,
      batchSize: recipe.batchSize,
      signal: ctx.signal,
    };
    const scored =
      evaluatedOn === 'test' && trained.testScores
        ? await clusterScores(trained.testScores, samples, source)
        : await scoreExamples(
            tm.full,
            dataKind(info.input),
            info.input,
            samples,
            source.classes,
            source.batchSize,
            new SkipList(),
            ctx.signal,
          );
    const evaluation = evaluatePredictions(info.classes, scored);
    const timings: RunTimings = {
      startup: before.startup,
      features: before.features + trained.timings.features,
      training: trained.timings.training,
      evaluation: trained.timings.evaluation + (Date.now() - evaluationStarted) / 1000,
    };
    if (trained.test) {
      const percent = (a: number) => `${(a * 100).toFixed(1)}%`;
      const checked = Math.min(CHECKED_EXAMPLES, samples.length);
      ctx.emit({
        kind: 'log',
        level: 'info',
        message: trained.testScores
          ? `Test accuracy: ${percent(evaluation.accuracy)} from the cluster's scores ` +
            `(the engine's model of the weights agrees on ${checked} test images)`
          : `Test accuracy: ${percent(evaluation.accuracy)} in the engine, ` +
            `${percent(trained.test.accuracy)} in Keras on the cluster`,
      });
    }
    ctx.emit({ kind: 'stage', stage: 'saving', message: runDir });
    await saveLayersModel(tm.full, runDir);
    fs.copyFileSync(trained.model, path.join(runDir, 'model.keras'));
    const params = countParams(tm.full);
    writeMetrics(runDir, { transfer: history });
    writeEvaluation(runDir, { evaluatedOn, transfer: evaluation });
    updateRunInfo(runDir, {
      status: 'finished',
      trainableParams: params.trainable,
      frozenParams: params.frozen,
      timings,
    });
    const train = history.reduce((s, m) => s + m.seconds, 0);
    return {
      runDir,
      timings,
      classes: info.classes,
      cancelled: false,
      skipped: [],
      backend: { name: 'ray', detail: info.backend, borrowedKernels: [] },
      split: { train: record.train, validation: record.validation.length, test: record.test.length },
      transfer: {
        history,
        evaluation,
        evaluatedOn,
        trainableParams: params.trainable,
        frozenParams: params.frozen,
        trainSeconds: train,
      },
    };
  });
}

/** Marks a run whose Ray job failed or was cancelled, so Runs shows it as such. */
export function abandonRayRun(runDir: string, status: 'failed' | 'cancelled'): void {
  if (fs.existsSync(path.join(runDir, 'run.json'))) updateRunInfo(runDir, { status });
}
