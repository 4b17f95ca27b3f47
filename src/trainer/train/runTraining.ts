// Runs one recipe from folder to run folder: scan, split, build the model (transfer here, the source CNN in
// sourceRun.ts), train (on cached features when the base is frozen), optionally train the baselines,
// evaluate, save (runLifecycle.ts).
import path from 'node:path';
import type { EpochMetrics, ModelResult, RunResult, TrainRecipe, Trial } from '../../shared/engineTypes';
import { SkipList } from '../data/batchStream';
import { IMBALANCE_RATIO, scanDataset, trainableClasses } from '../data/datasetScanner';
import { stratifiedSplit, type Sample } from '../../shared/split';
import { EngineError } from '../../shared/engineError';
import { recipeProblems } from '../../shared/recipeChecks';
import { needsBalancing } from './balance';
import { loadBase } from '../models/baseModel';
import { resolveFreezePlan, secondPhasePlan, type FreezePlan } from '../../shared/freezePlan';
import { countParams } from '../models/layerInfo';
import { disposeModels } from '../models/disposeModels';
import { splitBelowTrainable, type FrozenSplit } from '../models/frozenSplit';
import { baselineVerdict, trainBaselines } from './baselines';
import { applyFreezePlan, buildTransferModel } from '../models/transferModel';
import type * as tf from '../tf';
import { fitsInMemory, throughFrozen } from './frozenParts';
import { autoFineTune } from './autoFineTune';
import { widerHeadTrial } from './autoHead';
import {
  AUTO,
  AUTO_CHECKPOINT_SECONDS,
  AUTO_HEAD_BUDGET_SHARE,
  AUTO_PIXEL_BUDGET_SHARE,
  AUTO_WIDE_HEAD,
  AUTO_TEST_MIN_PER_CLASS,
  candidateCuts,
  headSchedule,
  isAutomatic,
  resolveTestSplit,
} from '../../shared/autoFlow';
import type { Scored } from './evaluation';
import { activationsBelowTop } from './cachedTop';
import { fitDataParallel } from './parallelFit';
import { fit, type FitOptions } from './fitLoop';
import { scoreFeatures, scoreImages } from './predictions';
import { headTrialOf, markKept } from './autoTrials';
import {
  budgetSeconds,
  finishModel,
  finishRun,
  fitCommon,
  imageSources,
  markFailed,
  readyToLearn,
  runInfo,
  startOrResume,
  type Prepared,
  type RunContext,
} from './runLifecycle';
import { sourceRun } from './sourceRun';
import { pixelTrials, type PixelWinner } from './pixelTrials';
import { recordPixelWinner } from './pixelWinner';
import { CUT_POOLING, featuresAtCuts, type CutFeatures } from './cutFeatures';
import { lastCheckWarning } from '../doctor/lastCheck';
import { createRunDir, readCheckpoint, saveCheckpoint, updateRunInfo, writeRunRecipe } from './runFolder';

/** Runs a recipe into a new run folder, or (with `resumeDir`) continues a crashed or cancelled run from its checkpoint. */
export async function runTraining(recipe: TrainRecipe, ctx: RunContext, resumeDir?: string): Promise<RunResult> {
  // Recipes also arrive over the protocol (the extension, other clients): the engine checks them itself.
  const invalid = recipeProblems(recipe).map((p) => p.message);
  if (invalid.length) throw new EngineError(`Invalid recipe: ${invalid.join('; ')}.`);
  ctx.emit({ kind: 'stage', stage: 'scanning', message: recipe.data });
  const scan = await scanDataset(recipe.data);
  scan.warnings.forEach((message) => ctx.emit({ kind: 'log', level: 'warn', message }));
  const checked = lastCheckWarning(ctx.cacheDir, scan); // issue 27: many flagged files still in place
  if (checked) ctx.emit({ kind: 'log', level: 'warn', message: checked });
  const testSplit = resolveTestSplit(
    recipe.testSplit,
    scan.classes.filter((c) => c.files.length > 0).map((c) => c.files.length),
  );
  const minPerClass = 1 + (recipe.validationSplit > 0 ? 1 : 0) + (testSplit > 0 ? 1 : 0);
  const usable = trainableClasses(scan, minPerClass);
  const skips = new SkipList();
  scan.skipped.forEach((s) => skips.add(s.path, s.reason));
  const split = stratifiedSplit(usable, { ...recipe, testSplit });
  const evaluationNote =
    testSplit === 0 && recipe.mode === 'transfer' && isAutomatic(recipe)
      ? `No test split (testSplit ${recipe.testSplit}${recipe.testSplit === AUTO ? `: a class has fewer than ${AUTO_TEST_MIN_PER_CLASS} images` : ''}): the automatic choices and the final figure both use the validation split, so the figure is optimistic.`
      : undefined;
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
    message: `${usable.length} classes; ${split.train.length} training, ${split.validation.length} validation, ${split.test.length} test images; backend ${ctx.backend.detail}`,
  });
  const resume = resumeDir ? readCheckpoint(resumeDir) : undefined;
  if (resumeDir && !resume) throw new EngineError(`${resumeDir} has no checkpoint to resume from (no epoch finished).`);
  const runDir = resumeDir ?? createRunDir(recipe.outputDir, recipe.name ?? path.basename(path.resolve(recipe.data)));
  const prepared: Prepared = {
    recipe: { ...recipe, testSplit },
    evaluationNote,
    classes: usable.map((c) => c.name),
    split,
    skips,
    runDir,
    resume,
  };
  try {
    return await (recipe.mode === 'source' ? sourceRun(prepared, ctx) : transferRun(prepared, ctx));
  } catch (e) {
    markFailed(runDir, e);
    throw e;
  }
}

async function transferRun(p: Prepared, ctx: RunContext): Promise<RunResult> {
  const { recipe, classes, split, skips, runDir } = p;
  ctx.emit({ kind: 'stage', stage: 'loading-base', message: recipe.base });
  const base = await loadBase(recipe.base, ctx.cacheDir);
  const prep = base.description.preprocessing;
  await readyToLearn(p, prep, base.description.title).catch((e: unknown) => {
    base.model.dispose();
    throw e;
  });
  let plan = resolveFreezePlan(base.description.layers, recipe.freeze, base.description.defaultFeatureLayer);
  let tm = buildTransferModel(base.model, plan, recipe.head, classes.length, recipe.seed);
  // Models of the automatic flow's head trials that lost (or the recipe's head when one won): disposed at the end.
  const replaced: tf.LayersModel[] = [];
  // The run folder keeps the resolved freeze: the cut and the exact frozen layers, whatever defaults,
  // "up to" entries or globs the recipe used, so a diff of two runs shows what really differed.
  const withWeights = new Set(base.description.layers.filter((l) => l.hasWeights).map((l) => l.name));
  const frozenWithWeights = (f: FreezePlan) => f.kept.filter((n) => f.frozen.has(n) && withWeights.has(n));
  const resolved: Prepared = {
    ...p,
    recipe: { ...recipe, freeze: { featureLayer: plan.featureLayer, frozen: frozenWithWeights(plan) } },
  };
  await startOrResume(resolved, tm.full, runInfo(p, prep, ctx.backend, plan.featureLayer), ctx);
  const all = [...split.train, ...split.validation, ...split.test];
  // Where the frozen part ends: the whole base (features of the cut layer), or the layers below the lowest
  // trainable one when a single tensor crosses. That part only ever infers, outside the gradient tape.
  const frozenPart: FrozenSplit | undefined = plan.baseFullyFrozen
    ? { boundary: plan.featureLayer, bottom: tm.features, top: tm.head, pooling: tm.pooling }
    : splitBelowTrainable(tm.full);
  // It runs once per image into the cache, unless augmentation changes the pixels every epoch or the
  // cached activations would not fit in memory.
  const cut = frozenPart && !recipe.augmentation && fitsInMemory(frozenPart, all.length) ? frozenPart : undefined;
  try {
    let history: EpochMetrics[] = [];
    const done = p.resume?.history ?? [];
    const firstEpoch = (phase: 1 | 2) => done.filter((h) => h.phase === phase).length + 1;
    const earlier = (phase: 1 | 2) => done.filter((h) => h.phase === phase);
    let lastCheckpoint = { at: 0, path: '' };
    const checkpoint = (which: string, phase: 1 | 2) => {
      const before =
        phase === 1 ? done.filter((h) => h.phase === 1) : [...history, ...done.filter((h) => h.phase === 2)];
      // An automatic head epoch on cached features takes milliseconds and saving the full model far longer:
      // there it is saved every few seconds, so the head's share of the budget goes to training.
      const throttled = phase === 1 && recipe.epochs === AUTO;
      return async (m: EpochMetrics, h: EpochMetrics[]) => {
        if (throttled && Date.now() - lastCheckpoint.at < AUTO_CHECKPOINT_SECONDS * 1000) return lastCheckpoint.path;
        const state = { model: which, phase, epoch: m.epoch, history: [...before, ...h] };
        lastCheckpoint = { at: Date.now(), path: await saveCheckpoint(runDir, tm.full, state) };
        return lastCheckpoint.path;
      };
    };
    /** Images through the frozen part when one tensor separates it from the trainable layers, else through the full model. */
    const onImages = (part: FrozenSplit | undefined, options: Omit<FitOptions, 'model' | 'train' | 'validation'>) =>
      part
        ? throughFrozen(part, options, imageSources(p, prep))
        : fit({ ...options, model: tm.full, ...imageSources(p, prep) });
    /** The frozen part's activations for every image, computed once per image (see cachedTop.ts). */
    const activations = (part: FrozenSplit) =>
      activationsBelowTop({
        part,
        samples: all,
        prep,
        cacheDir: ctx.cacheDir,
        baseKey: base.resolved.contentKey,
        modelJsonPath: base.resolved.modelJsonPath,
        classes: classes.length,
        batchSize: recipe.batchSize,
        seed: recipe.seed,
        skips,
        signal: ctx.signal,
        emit: ctx.emit,
      });
    /** The top trained on the frozen bottom's activations. */
    const onActivations = async (part: FrozenSplit, options: Omit<FitOptions, 'model' | 'train' | 'validation'>) => {
      const cached = await activations(part);
      ctx.emit({
        kind: 'log',
        level: 'info',
        message: `Layers up to ${part.boundary} stay frozen in the second phase: they ran once per image (cache: ${cached.hits} hits, ${cached.misses} computed)`,
      });
      return fitDataParallel({
        ...options,
        model: part.top,
        train: cached.source(split.train),
        validation: cached.source(split.validation),
      });
    };
    const scoreFull = (samples: readonly Sample[]) =>
      scoreImages(tm.full, samples, prep, classes.length, recipe.batchSize, skips, ctx.signal);
    const started = Date.now();
    let cancelled: boolean;
    let score: (samples: readonly Sample[]) => Promise<Scored[]> = scoreFull;
    let featureCache: RunResult['featureCache'];
    let params = countParams(tm.full);
    const head = headSchedule(recipe);
    let stoppedEarly = false;
    let trainingStarted = Date.now();
    let headBudgetSpent = () => false;
    let cutFeatures: Map<string, Float32Array> | undefined;
    // With a second head to try, each head gets half of the heads' share of the budget.
    const widerHead =
      recipe.epochs === AUTO && !recipe.head.dense && !p.resume && recipe.head.pooling === AUTO_WIDE_HEAD.pooling;
    // The automatic flow compares cuts of the base (issue 29); their features come from one pass per image.
    const cuts =
      cut && recipe.epochs === AUTO && !p.resume && !recipe.freeze.featureLayer && cut.pooling === CUT_POOLING
        ? candidateCuts(base.description.layers, plan.featureLayer)
        : [plan.featureLayer];
    const headShare = AUTO_HEAD_BUDGET_SHARE / (cuts.length + (widerHead ? 1 : 0));
    let atCuts: CutFeatures | undefined;
    if (cut && cuts.length > 1)
      atCuts = await featuresAtCuts({
        base,
        cuts,
        samples: all,
        cacheDir: ctx.cacheDir,
        batchSize: recipe.batchSize,
        skips,
        signal: ctx.signal,
        emit: ctx.emit,
      });
    if (cut) {
      const { features, shape, source, hits, misses, folder } = await activations(cut);
      featureCache = atCuts ? { hits: atCuts.hits, misses: atCuts.misses } : { hits, misses };
      cutFeatures = features;
      const at = atCuts ? ` and at ${cuts.slice(1).join(', ')}` : '';
      ctx.emit({
        kind: 'log',
        level: 'info',
        message: `Layers up to ${cut.boundary}${at} are frozen: they ran once per image (feature cache: ${featureCache.hits} hits, ${featureCache.misses} computed; ${folder}); only the layers above train`,
      });
      ctx.emit({ kind: 'stage', stage: 'training' });
      trainingStarted = Date.now();
      const headDeadline =
        recipe.epochs === AUTO ? trainingStarted + budgetSeconds(recipe) * 1000 * headShare : undefined;
      headBudgetSpent = () => headDeadline !== undefined && Date.now() >= headDeadline;
      ({ history, cancelled, stoppedEarly } = await fit({
        ...fitCommon(recipe, ctx),
        deadline: headDeadline,
        model: cut.top,
        which: 'transfer',
        phase: 1,
        epochs: head.epochs,
        firstEpoch: firstEpoch(1),
        earlier: earlier(1),
        learningRate: recipe.learningRate,
        train: source(split.train),
        validation: source(split.validation),
        afterEpoch: checkpoint('transfer', 1),
      }));
      score = (samples) =>
        scoreFeatures(cut.top, samples, features, shape, classes.length, recipe.batchSize, ctx.signal);
    } else {
      ctx.emit({ kind: 'stage', stage: 'training' });
      // On images (augmentation, or no cache): the automatic head gets the whole budget, there is no cheap second phase.
      const deadline = recipe.epochs === AUTO ? trainingStarted + budgetSeconds(recipe) * 1000 : undefined;
      headBudgetSpent = () => deadline !== undefined && Date.now() >= deadline;
      ({ history, cancelled, stoppedEarly } = await onImages(frozenPart, {
        ...fitCommon(recipe, ctx),
        deadline,
        which: 'transfer',
        phase: 1,
        epochs: head.epochs,
        firstEpoch: firstEpoch(1),
        earlier: earlier(1),
        learningRate: recipe.learningRate,
        afterEpoch: checkpoint('transfer', 1),
      }));
    }
    let headTrial = headTrialOf(
      recipe,
      history,
      stoppedEarly,
      (Date.now() - trainingStarted) / 1000,
      headBudgetSpent,
      headShare,
    );
    history = [...done.filter((h) => h.phase === 1), ...history];
    const trials: Trial[] | undefined = isAutomatic(recipe) ? [headTrial] : undefined;
    const budgetEnd = trainingStarted + budgetSeconds(recipe) * 1000;
    const budgetLeft = () => Math.max(0, (budgetEnd - Date.now()) / 1000);
    Object.assign(headTrial, { kind: 'transfer', cut: plan.featureLayer, budgetLeft: budgetLeft() });
    let runRecipe = resolved.recipe;
    for (const at of cuts.slice(1)) {
      if (cancelled || !trials || !atCuts) break;
      const other = await widerHeadTrial({
        base: base.model,
        plan: resolveFreezePlan(base.description.layers, { featureLayer: at }, at),
        head: recipe.head,
        name: `head at ${at}`,
        classes: classes.length,
        recipe,
        features: atCuts.byCut.get(at)!,
        split,
        signal: ctx.signal,
        emit: ctx.emit,
        deadline: Date.now() + budgetSeconds(recipe) * 1000 * headShare,
        best: headTrial,
        budgetLeft,
      });
      trials.push(other.trial);
      cancelled = other.cancelled;
      if (!other.kept) {
        replaced.push(other.model.full, other.model.head, other.model.features);
        continue;
      }
      replaced.push(tm.full, tm.head, tm.features);
      tm = other.model;
      plan = resolveFreezePlan(base.description.layers, { featureLayer: at }, at);
      params = countParams(tm.full);
      [headTrial, history, score, cutFeatures] = [other.trial, other.history, other.score, atCuts.byCut.get(at)];
      // The run folder says where the saved model cuts its base.
      runRecipe = { ...runRecipe, freeze: { featureLayer: at, frozen: frozenWithWeights(plan) } };
      writeRunRecipe(runDir, runRecipe);
      updateRunInfo(runDir, { featureLayer: at });
    }
    if (!cancelled && trials && cut && cutFeatures && widerHead) {
      const wider = await widerHeadTrial({
        base: base.model,
        plan,
        classes: classes.length,
        recipe,
        features: cutFeatures,
        split,
        signal: ctx.signal,
        emit: ctx.emit,
        // What the heads before it left of their share is its too.
        deadline: Math.max(
          Date.now() + budgetSeconds(recipe) * 1000 * headShare,
          trainingStarted + budgetSeconds(recipe) * 1000 * AUTO_HEAD_BUDGET_SHARE,
        ),
        best: headTrial,
        budgetLeft,
      });
      trials.push(wider.trial);
      cancelled = wider.cancelled;
      if (wider.kept) {
        replaced.push(tm.full, tm.head, tm.features);
        tm = wider.model;
        params = countParams(tm.full);
        headTrial = wider.trial;
        history = wider.history;
        score = wider.score;
        // The run folder's recipe says which head the saved model has.
        writeRunRecipe(runDir, { ...runRecipe, head: AUTO_WIDE_HEAD });
      } else {
        replaced.push(wider.model.full, wider.model.head, wider.model.features);
      }
    }
    // The trial to beat: the kept head, or a pixel baseline that beat it.
    let leader = headTrial;
    let pixelWinner: PixelWinner | undefined;
    // Not beside an explicit second phase, which continues the transfer model whatever the trials say.
    if (!cancelled && trials && recipe.epochs === AUTO && !p.resume && typeof recipe.secondPhase !== 'object') {
      const pixels = await pixelTrials({
        recipe,
        split,
        classes: classes.length,
        skips,
        signal: ctx.signal,
        emit: ctx.emit,
        deadline: Math.min(budgetEnd, Date.now() + budgetSeconds(recipe) * 1000 * AUTO_PIXEL_BUDGET_SHARE),
        budgetLeft,
        best: headTrial,
      });
      trials.push(...pixels.trials);
      cancelled = pixels.cancelled;
      pixelWinner = pixels.winner;
      if (pixelWinner) leader = pixelWinner.trial;
    }
    const explicit = typeof recipe.secondPhase === 'object' ? recipe.secondPhase : undefined;
    if (!cancelled && trials && recipe.secondPhase === AUTO) {
      if (!cut || p.resume) {
        trials.push({
          name: 'fine-tune',
          detail: 'top blocks',
          epochs: 0,
          seconds: 0,
          outcome: 'skipped',
          reason: p.resume
            ? 'a resumed run continues only what it started'
            : 'the head trains on images, not cached features (augmentation, or a base that cannot be split)',
        });
      } else {
        const tuned = await autoFineTune({
          full: tm.full,
          plan,
          layers: base.description.layers,
          recipe,
          split,
          classes: classes.length,
          prep,
          skips,
          cacheDir: ctx.cacheDir,
          baseKey: base.resolved.contentKey,
          modelJsonPath: base.resolved.modelJsonPath,
          signal: ctx.signal,
          emit: ctx.emit,
          head: leader,
          deadline: budgetEnd,
        });
        trials.push(...tuned.trials);
        history = [...history, ...tuned.history];
        cancelled = tuned.cancelled;
        if (tuned.score) [score, params] = [tuned.score, countParams(tm.full)];
        // Fine-tuning beat the pixel baseline too: the transfer model is saved.
        if (tuned.score && pixelWinner) {
          replaced.push(pixelWinner.model);
          pixelWinner = undefined;
        }
      }
    }
    if (trials) markKept(trials, ctx);
    // A baseline without transfer won: it is the run's model, fed its own pixels (run.json says how).
    let saved = tm.full;
    if (pixelWinner) replaced.push(pixelWinner.model);
    if (pixelWinner && !cancelled) {
      [saved, score, params, history] = [pixelWinner.model, pixelWinner.score, pixelWinner.params, pixelWinner.history];
      await recordPixelWinner(runDir, recipe, pixelWinner);
    }
    if (!cancelled && explicit) {
      applyFreezePlan(tm.full, secondPhasePlan(plan, base.description.layers, explicit.unfreezeFrom));
      ctx.emit({
        kind: 'log',
        level: 'info',
        message: `Second phase: unfreezing from ${explicit.unfreezeFrom} at learning rate ${explicit.learningRate}`,
      });
      const options = {
        ...fitCommon(recipe, ctx),
        relativeImprovement: undefined,
        which: 'transfer' as const,
        phase: 2 as const,
        epochs: explicit.epochs,
        firstEpoch: firstEpoch(2),
        earlier: earlier(2),
        learningRate: explicit.learningRate,
        afterEpoch: checkpoint('transfer', 2),
      };
      const top = splitBelowTrainable(tm.full);
      const second =
        top && !recipe.augmentation && fitsInMemory(top, all.length)
          ? await onActivations(top, options)
          : await onImages(top, options);
      history = [...history, ...done.filter((h) => h.phase === 2), ...second.history];
      cancelled = second.cancelled;
      score = scoreFull;
    }
    const transfer = await finishModel(p, ctx, history, cancelled, score, Date.now() - started, params);
    const compared = !cancelled && recipe.compareScratch ? await baselineRuns(p, ctx, transfer) : undefined;
    return await finishRun(
      p,
      ctx,
      saved,
      cancelled,
      transfer,
      compared?.scratch,
      featureCache,
      trials,
      compared?.baselines,
    );
  } finally {
    disposeModels([tm.head, tm.features, tm.full, base.model, ...replaced]);
  }
}

/** The baselines without transfer, each for the transfer run's time; the best of them stands as "scratch". */
async function baselineRuns(
  p: Prepared,
  ctx: RunContext,
  transfer: ModelResult,
): Promise<{ scratch?: ModelResult; baselines: { name: string; result: ModelResult }[] }> {
  const finish = (
    history: EpochMetrics[],
    cancelled: boolean,
    score: (s: readonly Sample[]) => Promise<Scored[]>,
    ms: number,
    params: { trainable: number; frozen: number },
  ) => finishModel(p, ctx, history, cancelled, score, ms, params);
  const baselines = await trainBaselines({
    recipe: p.recipe,
    split: p.split,
    classes: p.classes.length,
    skips: p.skips,
    signal: ctx.signal,
    emit: ctx.emit,
    seconds: Math.max(1, transfer.trainSeconds),
    finish,
  });
  if (baselines.length) ctx.emit({ kind: 'log', level: 'info', message: baselineVerdict(transfer, baselines) });
  const best = baselines.reduce<{ name: string; result: ModelResult } | undefined>(
    (a, b) => (!a || b.result.evaluation.accuracy > a.result.evaluation.accuracy ? b : a),
    undefined,
  );
  return { scratch: best?.result, baselines };
}
