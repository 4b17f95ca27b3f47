// The engine's half of a Ray run before the job: scan, split, resolve the freeze plan with the engine's own
// rules, export the base to Keras, find each phase's cut, decode the pixels and write plan.json into the job
// folder on the shared storage path. After the job, rayFinish.ts makes the run folder a normal one.
import fs from 'node:fs';
import path from 'node:path';
import type { TrainRecipe } from '../../shared/engineTypes';
import { RAY_DEFAULTS, type RayPlan } from '../../shared/rayProtocol';
import type { RayPrepared, RayTarget } from '../../shared/trainerProtocol';
import { IMBALANCE_RATIO } from '../data/datasetScanner';
import type { Sample } from '../../shared/split';
import { CancelledError, EngineError } from '../../shared/engineError';
import { imageInput } from '../../shared/inputSpec';
import { withBaseAtCut } from '../models/baseAtCut';
import { resolvedFreeze, secondPhasePlan } from '../../shared/freezePlan';
import { writeJsonAtomic } from '../models/modelFiles';
import { needsBalancing } from '../train/balance';
import { newRunDir, prepareRun } from '../train/prepareRun';
import { writeRunStart, writeSkipped } from '../train/runFolder';
import { runInfo } from '../train/runLifecycle';
import { exportStartModel } from './rayBase';
import { rayCuts } from './rayCuts';
import { abandonRayRun, type JobRecord, type RayCtx as Ctx } from './rayFinish';
import { checkPixelBudget, writeSplitPixels } from './rayPixels';
import { resolveAutoForRay } from './rayAuto';
import { refuseOnRay } from './rayRefusals';

export async function prepareRayRun(asWritten: TrainRecipe, target: RayTarget, ctx: Ctx): Promise<RayPrepared> {
  refuseOnRay(asWritten);
  // The job runs numbers: the automatic words (the defaults) are resolved here, and the log says how.
  const { recipe, classes, split, skips } = await prepareRun(asWritten, ctx, resolveAutoForRay);

  ctx.emit({ kind: 'stage', stage: 'loading-base', message: recipe.base });
  // The recipe's model, as a local run builds it: the base cut at its freeze plan, the recipe's head.
  const choice = { freeze: recipe.freeze, head: recipe.head, classes: classes.length, seed: recipe.seed };
  return withBaseAtCut(recipe.base, ctx.cacheDir, choice, async ({ base, plan, model: tm }) => {
    const d = base.description;
    const prep = d.preprocessing;
    const frozenOf = (p: typeof plan) => p.kept.filter((n) => p.frozen.has(n));
    const plans = [plan];
    const phases: RayPlan['phases'] = [
      { epochs: recipe.epochs, learningRate: recipe.learningRate, frozen: frozenOf(plan) },
    ];
    if (recipe.secondPhase) {
      const second = secondPhasePlan(plan, d.layers, recipe.secondPhase.unfreezeFrom);
      plans.push(second);
      phases.push({
        epochs: recipe.secondPhase.epochs,
        learningRate: recipe.secondPhase.learningRate,
        frozen: frozenOf(second),
      });
    }
    const all = split.train.length + split.validation.length + split.test.length;
    checkPixelBudget(all, prep);

    const runDir = newRunDir(recipe);
    try {
      const jobDir = target.storagePath
        ? path.join(target.storagePath, path.basename(runDir))
        : path.join(runDir, 'ray');
      fs.mkdirSync(jobDir, { recursive: true });
      const resolved: TrainRecipe = {
        ...recipe,
        freeze: resolvedFreeze(d.layers, plan),
        ray: {
          address: target.address,
          workers: target.workers,
          gpusPerWorker: target.gpusPerWorker,
          storagePath: target.storagePath,
        },
      };
      const where = target.address === 'local' ? 'a local Ray' : `Ray at ${target.address}`;
      const gpus = target.gpusPerWorker ? ` × ${target.gpusPerWorker} GPU` : ' (CPU)';
      const backend = `${where}: ${target.workers} worker(s)${gpus}, Keras 3 on torch`;
      const info = runInfo({ recipe, classes }, imageInput(prep), backend, plan.featureLayer);
      writeRunStart(runDir, resolved, info, skips.entries);

      ctx.emit({
        kind: 'log',
        level: 'info',
        message: `Exporting ${recipe.base} with the recipe's head to Keras for the Ray job`,
      });
      const startFile = await exportStartModel(
        tm.full,
        { classes, preprocessing: prep, title: d.title, base: recipe.base },
        jobDir,
      );
      const cuts = rayCuts(tm, plans, { baseKey: base.resolved.contentKey, preprocessing: prep }, all);
      cuts.forEach((cut, i) => {
        if (cut) phases[i].cut = cut;
      });

      const decodeStarted = Date.now();
      let done = 0;
      const progress = () =>
        ctx.emit({
          kind: 'stage',
          stage: 'caching-features',
          done: ++done,
          total: all,
          message: 'decoding images for the Ray job',
        });
      const write = (name: string, samples: Sample[]) =>
        writeSplitPixels(jobDir, name, samples, prep, skips, ctx.signal, progress);
      const train = await write('train', split.train);
      const validation = await write('validation', split.validation);
      const test = split.test.length > 0 ? await write('test', split.test) : undefined;
      if (train.kept.length === 0 || validation.kept.length === 0)
        throw new EngineError(`No decodable training or validation images in ${recipe.data}.`);
      writeSkipped(runDir, skips.entries);
      const decodeSeconds = (Date.now() - decodeStarted) / 1000;
      // Imbalanced classes are drawn balanced in training epochs, as in a local run.
      const balanced = needsBalancing(train.kept);
      if (balanced)
        ctx.emit({
          kind: 'log',
          level: 'info',
          message: `Classes differ by more than ${IMBALANCE_RATIO}×: each training epoch on Ray draws every class as often as the largest (balanced sampling); validation and test keep their proportions.`,
        });

      const rayPlan: RayPlan = {
        version: 2,
        model: startFile,
        classes,
        optimizer: recipe.optimizer ?? 'adam',
        phases,
        batchSize: recipe.batchSize,
        seed: recipe.seed,
        patience: recipe.patience,
        balanced,
        // Outlives the run: on the storage path every node reads, or this machine's cache for a local Ray.
        cacheDir: target.storagePath ?? ctx.cacheDir,
        data: { train: train.files, validation: validation.files, ...(test ? { test: test.files } : {}) },
        address: target.address,
        workers: target.workers,
        gpusPerWorker: target.gpusPerWorker,
        localCpus: target.workers,
        storagePath: jobDir,
        name: 'ray-train',
        maxFailures: RAY_DEFAULTS.maxFailures,
        outDir: path.join(jobDir, 'out'),
      };
      const planFile = path.join(jobDir, 'plan.json');
      writeJsonAtomic(planFile, rayPlan);
      const record: JobRecord = {
        plan: rayPlan,
        test: test?.kept ?? [],
        validation: validation.kept,
        train: train.kept.length,
      };
      writeJsonAtomic(path.join(runDir, 'ray-job.json'), { jobDir, ...record });
      ctx.emit({
        kind: 'log',
        level: 'info',
        message: `${classes.length} classes; ${train.kept.length} training, ${validation.kept.length} validation, ${test?.kept.length ?? 0} test images; global batch ${recipe.batchSize} over ${target.workers} worker(s)`,
      });
      return { runDir, planFile, jobDir, checkpointDir: path.join(jobDir, 'ray-train'), decodeSeconds };
    } catch (e) {
      // Nothing half-made stays marked as training: Runs shows why it stopped.
      abandonRayRun(runDir, e instanceof CancelledError ? 'cancelled' : 'failed');
      throw e;
    }
  });
}
