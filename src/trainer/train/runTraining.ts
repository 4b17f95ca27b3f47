// Runs one recipe from folder to run folder: scan, split, build the model (transfer or source CNN), train
// (on cached features when the base is frozen), optionally train the scratch twin, evaluate, save.
import fs from 'node:fs';
import path from 'node:path';
import type { BackendInfo, EpochMetrics, ModelResult, Preprocessing, ProgressEvent, RunResult, TrainRecipe } from '../../shared/engineTypes';
import { SkipList } from '../data/batchStream';
import { scanDataset, trainableClasses } from '../data/datasetScanner';
import { stratifiedSplit, type Split } from '../../shared/split';
import { CancelledError, EngineError, type CancelSignal } from '../../shared/engineError';
import { recipeProblems } from '../../shared/recipeDefaults';
import { loadBase } from '../models/baseModel';
import { resolveFreezePlan, secondPhasePlan } from '../../shared/freezePlan';
import { countParams } from '../models/layerInfo';
import { loadLayersModelFromFile, saveLayersModel } from '../models/modelFiles';
import { disposeModels } from '../models/disposeModels';
import { compileFrozen } from '../models/frozenExecutor';
import { splitBelowTrainable, type FrozenSplit } from '../models/frozenSplit';
import { buildSourceCnn, randomTwin, SOURCE_FEATURE_LAYER } from '../models/sourceCnn';
import { applyFreezePlan, buildTransferModel } from '../models/transferModel';
import * as tf from '../tf';
import { featureSource, frozenBaseSource, imageSource } from './batchSources';
import { evaluatePredictions, type Scored } from './evaluation';
import { activationsBelowTop } from './cachedTop';
import { cacheFolder, cachedFeatures, parallelSpec } from './featureCache';
import { fit, type BatchSource, type FitOptions, type FitResult } from './fitLoop';
import { checkLearnable } from './learnable';
import { scoreFeatures, scoreImages } from './predictions';
import { checkBatchBytes, inputSizeProblems } from './runFileChecks';
import { createRunDir, readCheckpoint, saveCheckpoint, updateRunInfo, writeEvaluation, writeMetrics, writeRunStart, writeSkipped, type CheckpointState, type RunInfo } from './runFolder';

export interface RunContext {
  cacheDir: string;
  backend: BackendInfo;
  signal: CancelSignal;
  emit: (e: ProgressEvent) => void;
}

interface Prepared {
  recipe: TrainRecipe;
  classes: string[];
  split: Split;
  skips: SkipList;
  runDir: string;
  /** Set when continuing from a run folder's checkpoint. */
  resume?: CheckpointState;
}

/** Runs a recipe into a new run folder, or (with `resumeDir`) continues a crashed or cancelled run from its checkpoint. */
export async function runTraining(recipe: TrainRecipe, ctx: RunContext, resumeDir?: string): Promise<RunResult> {
  // Recipes also arrive over the protocol (the extension, other clients): the engine checks them itself.
  const invalid = [...recipeProblems(recipe), ...inputSizeProblems(recipe)];
  if (invalid.length) throw new EngineError(`Invalid recipe: ${invalid.join('; ')}.`);
  ctx.emit({ kind: 'stage', stage: 'scanning', message: recipe.data });
  const scan = await scanDataset(recipe.data);
  scan.warnings.forEach((message) => ctx.emit({ kind: 'log', level: 'warn', message }));
  const minPerClass = 1 + (recipe.validationSplit > 0 ? 1 : 0) + (recipe.testSplit > 0 ? 1 : 0);
  const usable = trainableClasses(scan, minPerClass);
  const skips = new SkipList();
  scan.skipped.forEach((s) => skips.add(s.path, s.reason));
  const split = stratifiedSplit(usable, recipe);
  ctx.emit({ kind: 'log', level: 'info', message: `${usable.length} classes; ${split.train.length} training, ${split.validation.length} validation, ${split.test.length} test images; backend ${ctx.backend.detail}` });
  const resume = resumeDir ? readCheckpoint(resumeDir) : undefined;
  if (resumeDir && !resume) throw new EngineError(`${resumeDir} has no checkpoint to resume from (no epoch finished).`);
  const runDir = resumeDir ?? createRunDir(recipe.outputDir, recipe.name ?? path.basename(path.resolve(recipe.data)));
  const prepared: Prepared = { recipe, classes: usable.map((c) => c.name), split, skips, runDir, resume };
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
  const plan = resolveFreezePlan(base.description.layers, recipe.freeze, base.description.defaultFeatureLayer);
  const tm = buildTransferModel(base.model, plan, recipe.head, classes.length, recipe.seed);
  // The run folder keeps the resolved freeze: the cut and the exact frozen layers, whatever defaults,
  // "up to" entries or globs the recipe used, so a diff of two runs shows what really differed.
  const withWeights = new Set(base.description.layers.filter((l) => l.hasWeights).map((l) => l.name));
  const resolved: Prepared = { ...p, recipe: { ...recipe, freeze: { featureLayer: plan.featureLayer, frozen: plan.kept.filter((n) => plan.frozen.has(n) && withWeights.has(n)) } } };
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
    const checkpoint = (which: string, phase: 1 | 2) => {
      const before = phase === 1 ? done.filter((h) => h.phase === 1) : [...history, ...done.filter((h) => h.phase === 2)];
      return (m: EpochMetrics, h: EpochMetrics[]) => saveCheckpoint(runDir, tm.full, { model: which, phase, epoch: m.epoch, history: [...before, ...h] });
    };
    /** Images through the frozen part when one tensor separates it from the trainable layers, else through the full model. */
    const onImages = (part: FrozenSplit | undefined, options: Omit<FitOptions, 'model' | 'train' | 'validation'>) =>
      (part ? throughFrozen(part, options, imageSources(p, prep)) : fit({ ...options, model: tm.full, ...imageSources(p, prep) }));
    /** The top trained on the frozen bottom's activations, computed once per image (see cachedTop.ts). */
    const onActivations = async (part: FrozenSplit, options: Omit<FitOptions, 'model' | 'train' | 'validation'>) => {
      const cached = await activationsBelowTop({ part, samples: all, prep, cacheDir: ctx.cacheDir, baseKey: base.resolved.contentKey, modelJsonPath: base.resolved.modelJsonPath, classes: classes.length, batchSize: recipe.batchSize, seed: recipe.seed, skips, signal: ctx.signal, emit: ctx.emit });
      ctx.emit({ kind: 'log', level: 'info', message: `Layers up to ${part.boundary} stay frozen in the second phase: they ran once per image (cache: ${cached.hits} hits, ${cached.misses} computed)` });
      return fit({ ...options, model: part.top, train: cached.source(split.train), validation: cached.source(split.validation) });
    };
    const scoreFull = (samples: Split['test']) => scoreImages(tm.full, samples, prep, classes.length, recipe.batchSize, skips, ctx.signal);
    const started = Date.now();
    let cancelled: boolean;
    let score: (samples: Split['test']) => Promise<Scored[]> = scoreFull;
    let featureCache: RunResult['featureCache'];
    const params = countParams(tm.full);
    if (cut) {
      const folder = cacheFolder(ctx.cacheDir, { baseKey: base.resolved.contentKey, layer: cut.boundary, pooling: cut.pooling, preprocessing: prep });
      const { features, hits, misses } = await cachedFeatures({ samples: all, model: cut.bottom, prep, folder, batchSize: recipe.batchSize, skips, signal: ctx.signal, emit: ctx.emit, parallel: parallelSpec(base.resolved.modelJsonPath, cut.boundary, cut.pooling, prep) });
      featureCache = { hits, misses };
      ctx.emit({ kind: 'log', level: 'info', message: `Layers up to ${cut.boundary} are frozen: they ran once per image (feature cache: ${hits} hits, ${misses} computed in ${folder}); only the layers above train` });
      const shape = cut.top.inputs[0].shape.slice(1) as number[];
      const source = (samples: Split['train']) => featureSource(samples, features, shape, classes.length, recipe.batchSize, recipe.seed);
      ctx.emit({ kind: 'stage', stage: 'training' });
      ({ history, cancelled } = await fit({ ...fitCommon(recipe, ctx), model: cut.top, which: 'transfer', phase: 1, epochs: recipe.epochs, firstEpoch: firstEpoch(1), earlier: earlier(1), learningRate: recipe.learningRate, train: source(split.train), validation: source(split.validation), afterEpoch: checkpoint('transfer', 1) }));
      score = (samples) => scoreFeatures(cut.top, samples, features, shape, classes.length, recipe.batchSize, ctx.signal);
    } else {
      ctx.emit({ kind: 'stage', stage: 'training' });
      ({ history, cancelled } = await onImages(frozenPart, { ...fitCommon(recipe, ctx), which: 'transfer', phase: 1, epochs: recipe.epochs, firstEpoch: firstEpoch(1), earlier: earlier(1), learningRate: recipe.learningRate, afterEpoch: checkpoint('transfer', 1) }));
    }
    history = [...done.filter((h) => h.phase === 1), ...history];
    if (!cancelled && recipe.secondPhase) {
      applyFreezePlan(tm.full, secondPhasePlan(plan, base.description.layers, recipe.secondPhase.unfreezeFrom));
      ctx.emit({ kind: 'log', level: 'info', message: `Second phase: unfreezing from ${recipe.secondPhase.unfreezeFrom} at learning rate ${recipe.secondPhase.learningRate}` });
      const options = { ...fitCommon(recipe, ctx), which: 'transfer' as const, phase: 2 as const, epochs: recipe.secondPhase.epochs, firstEpoch: firstEpoch(2), earlier: earlier(2), learningRate: recipe.secondPhase.learningRate, afterEpoch: checkpoint('transfer', 2) };
      const top = splitBelowTrainable(tm.full);
      const second = top && !recipe.augmentation && fitsInMemory(top, all.length)
        ? await onActivations(top, options)
        : await onImages(top, options);
      history = [...history, ...done.filter((h) => h.phase === 2), ...second.history];
      cancelled = second.cancelled;
      score = scoreFull;
    }
    const transfer = await finishModel(p, ctx, history, cancelled, score, Date.now() - started, params);
    let scratch: ModelResult | undefined;
    if (!cancelled && recipe.compareScratch) scratch = await scratchRun(p, ctx, tm.full, prep);
    return await finishRun(p, ctx, tm.full, cancelled, transfer, scratch, featureCache);
  } finally {
    disposeModels([tm.head, tm.features, tm.full, base.model]);
  }
}

async function sourceRun(p: Prepared, ctx: RunContext): Promise<RunResult> {
  const { recipe, classes, runDir } = p;
  const prep: Preprocessing = { size: recipe.inputSize ?? [28, 28], channels: recipe.inputChannels ?? 3, scale: 'unit' };
  await readyToLearn(p, prep, 'the source CNN');
  const model = buildSourceCnn(prep.size, prep.channels, classes.length, recipe.seed);
  await startOrResume(p, model, { ...runInfo(p, prep, ctx.backend, undefined), defaultFeatureLayer: SOURCE_FEATURE_LAYER, title: `source CNN ${path.basename(runDir)}` }, ctx);
  try {
    ctx.emit({ kind: 'stage', stage: 'training' });
    const started = Date.now();
    const params = countParams(model);
    const done = p.resume?.history ?? [];
    const fitted = await fit({
      ...fitCommon(recipe, ctx), model, which: 'transfer', phase: 1, epochs: recipe.epochs, firstEpoch: done.length + 1, earlier: done, learningRate: recipe.learningRate, ...imageSources(p, prep),
      afterEpoch: (m, h) => saveCheckpoint(runDir, model, { model: 'source', phase: 1, epoch: m.epoch, history: [...done, ...h] }),
    });
    const history = [...done, ...fitted.history];
    const cancelled = fitted.cancelled;
    const score = (samples: Split['test']) => scoreImages(model, samples, prep, classes.length, recipe.batchSize, p.skips, ctx.signal);
    const result = await finishModel(p, ctx, history, cancelled, score, Date.now() - started, params);
    return await finishRun(p, ctx, model, cancelled, result, undefined, undefined);
  } finally {
    disposeModels([model]);
  }
}

/** The same architecture from random weights, every layer trainable, on the same split. */
async function scratchRun(p: Prepared, ctx: RunContext, architecture: tf.LayersModel, prep: Preprocessing): Promise<ModelResult> {
  const twin = await randomTwin(architecture);
  try {
    twin.layers.forEach((l) => { l.trainable = true; });
    ctx.emit({ kind: 'log', level: 'info', message: 'Training the same architecture from scratch for comparison' });
    const started = Date.now();
    const params = countParams(twin);
    const { history, cancelled } = await fit({ ...fitCommon(p.recipe, ctx), model: twin, which: 'scratch', phase: 1, epochs: p.recipe.epochs, learningRate: p.recipe.learningRate, ...imageSources(p, prep), afterEpoch: async () => '' });
    const score = (samples: Split['test']) => scoreImages(twin, samples, prep, p.classes.length, p.recipe.batchSize, p.skips, ctx.signal);
    return await finishModel(p, ctx, history, cancelled, score, Date.now() - started, params);
  } finally {
    disposeModels([twin]);
  }
}

/** A split below the trainable layers whose cached activations fit in memory (else: train on images). */
function fitsInMemory(part: FrozenSplit, images: number): boolean {
  const floats = (part.top.inputs[0].shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
  return floats * 4 * images <= MAX_CACHED_ACTIVATION_BYTES;
}

/**
 * Trains the top of a split on images streamed through its frozen bottom (in inference mode, BatchNorm
 * folded). Training the full model instead would keep every activation of the frozen layers for a backward
 * pass that updates nothing: at 224×224 that exhausts the WASM heap at batch 16.
 */
async function throughFrozen(part: FrozenSplit, options: Omit<FitOptions, 'model' | 'train' | 'validation'>, images: { train: BatchSource; validation: BatchSource }): Promise<FitResult> {
  const bottom = compileFrozen(part.bottom);
  try {
    return await fit({ ...options, model: part.top, train: frozenBaseSource(images.train, bottom), validation: frozenBaseSource(images.validation, bottom) });
  } finally {
    bottom.dispose();
  }
}

/** Cached activations are held in memory while the top trains; above this, images are streamed through the bottom. */
const MAX_CACHED_ACTIVATION_BYTES = 1.5 * 2 ** 30;

/** A new run writes its recipe and metadata; a resumed one takes the weights of its last checkpoint. */
async function startOrResume(p: Prepared, model: tf.LayersModel, info: RunInfo, ctx: RunContext): Promise<void> {
  if (!p.resume) {
    writeRunStart(p.runDir, p.recipe, info, p.skips.entries);
    return;
  }
  const checkpoint = await loadLayersModelFromFile(path.join(p.runDir, 'checkpoint', 'model.json'));
  try {
    const weights = checkpoint.getWeights();
    const mine = model.getWeights();
    if (weights.length !== mine.length || weights.some((w, i) => w.shape.join() !== mine[i].shape.join())) {
      throw new EngineError(`The checkpoint in ${p.runDir} does not match its recipe (different architecture); start a new run instead.`);
    }
    model.setWeights(weights);
  } finally {
    disposeModels([checkpoint]);
  }
  updateRunInfo(p.runDir, { status: 'training' });
  ctx.emit({ kind: 'log', level: 'info', message: `Resuming ${p.runDir} after epoch ${p.resume.epoch} of phase ${p.resume.phase} (optimizer state starts fresh)` });
}

/** Stops before training when a batch would not fit its byte limit or some class has no decodable image. */
async function readyToLearn(p: Prepared, prep: Preprocessing, what: string): Promise<void> {
  checkBatchBytes(prep, p.recipe.batchSize, what);
  if (!p.resume) await checkLearnable(p.split, p.classes, prep, p.skips);
}

/**
 * A run that ends in an error says so in run.json (a run left "training" looks alive or crashed). A folder
 * that holds nothing yet is removed; when even this write fails (the disk is full), the error itself stands.
 */
function markFailed(runDir: string, e: unknown): void {
  if (e instanceof CancelledError) return;
  try {
    if (!fs.existsSync(path.join(runDir, 'run.json'))) {
      fs.rmdirSync(runDir);
      return;
    }
    updateRunInfo(runDir, { status: 'failed', error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
  } catch {
    // Best effort: the original error explains the failure.
  }
}

function fitCommon(recipe: TrainRecipe, ctx: RunContext) {
  return { patience: recipe.patience, optimizer: recipe.optimizer, signal: ctx.signal, emit: ctx.emit };
}

function imageSources(p: Prepared, prep: Preprocessing): { train: BatchSource; validation: BatchSource } {
  const { recipe, split, classes, skips } = p;
  return {
    train: imageSource(split.train, prep, classes.length, recipe.batchSize, recipe.seed, skips, recipe.augmentation),
    validation: imageSource(split.validation, prep, classes.length, recipe.batchSize, recipe.seed, skips),
  };
}

async function finishModel(p: Prepared, ctx: RunContext, history: EpochMetrics[], cancelled: boolean, score: (s: Split['test']) => Promise<Scored[]>, ms: number, params: { trainable: number; frozen: number }): Promise<ModelResult> {
  const evaluatedOn = p.split.test.length > 0 ? 'test' : 'validation';
  if (!cancelled) ctx.emit({ kind: 'stage', stage: 'evaluating' });
  const scored = cancelled ? [] : await score(evaluatedOn === 'test' ? p.split.test : p.split.validation);
  if (!cancelled && scored.length === 0) {
    throw new EngineError(`No image of the ${evaluatedOn} split could be decoded, so the model cannot be evaluated; see the skipped files in ${path.join(p.runDir, 'skipped.json')}.`);
  }
  return { history, evaluation: evaluatePredictions(p.classes, scored), evaluatedOn, trainableParams: params.trainable, frozenParams: params.frozen, trainSeconds: ms / 1000 };
}

async function finishRun(p: Prepared, ctx: RunContext, model: tf.LayersModel, cancelled: boolean, transfer: ModelResult, scratch: ModelResult | undefined, featureCache: RunResult['featureCache']): Promise<RunResult> {
  const { runDir, split } = p;
  writeMetrics(runDir, { transfer: transfer.history, scratch: scratch?.history });
  writeSkipped(runDir, p.skips.entries);
  const params = { trainableParams: transfer.trainableParams, frozenParams: transfer.frozenParams };
  if (cancelled) {
    updateRunInfo(runDir, { status: 'cancelled', ...params });
    ctx.emit({ kind: 'log', level: 'warn', message: `Cancelled. The last checkpoint is in ${path.join(runDir, 'checkpoint')}.` });
  } else {
    ctx.emit({ kind: 'stage', stage: 'saving', message: runDir });
    await saveLayersModel(model, runDir);
    writeEvaluation(runDir, { evaluatedOn: transfer.evaluatedOn, transfer: transfer.evaluation, scratch: scratch?.evaluation });
    updateRunInfo(runDir, { status: 'finished', ...params });
  }
  return {
    runDir, backend: ctx.backend, classes: p.classes, cancelled, transfer, scratch, featureCache, skipped: p.skips.entries,
    split: { train: split.train.length, validation: split.validation.length, test: split.test.length },
  };
}

function runInfo(p: Prepared, prep: Preprocessing, backend: BackendInfo, featureLayer: string | undefined) {
  return {
    version: 1 as const, created: new Date().toISOString(), status: 'training' as const, mode: p.recipe.mode, base: p.recipe.base,
    featureLayer, defaultFeatureLayer: featureLayer, classes: p.classes, preprocessing: prep, backend: backend.detail,
  };
}
