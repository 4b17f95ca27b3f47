// Rules of the automatic default flow (`epochs: auto`, `secondPhase: auto`, `testSplit: auto`): pure, so the
// trainer, the host, the CLI and the tests share one source for every threshold and every decision.
import type { HeadSpec, LayerInfo, TrainRecipe } from './engineTypes';

/** Word that asks the engine to decide (epochs, secondPhase, testSplit). */
export const AUTO = 'auto' as const;
/** Word that switches the automatic second phase off. */
export const OFF = 'off' as const;

/** A cap on head epochs when they run until validation loss stops improving; an epoch on cached features costs ms. */
export const AUTO_HEAD_EPOCH_CAP = 300;
/**
 * Patience of automatic phases: at least this, or the recipe's own if larger. Validation loss of a small set
 * is noisy, and an extra head epoch on cached features is cheap.
 */
export const AUTO_MIN_PATIENCE = 10;
/**
 * An automatic phase counts an epoch as an improvement only when validation loss falls at least this fraction
 * below the best so far. An absolute threshold let the loss of a small validation split creep down by a
 * thousandth per epoch for hundreds of epochs (issue 24).
 */
export const AUTO_MIN_RELATIVE_IMPROVEMENT = 0.01;
/** A recipe's own patience keeps the absolute threshold it always had. */
export const MIN_ABSOLUTE_IMPROVEMENT = 1e-4;
/** An automatic head saves its checkpoint at most this often (a crash loses at most these seconds). */
export const AUTO_CHECKPOINT_SECONDS = 5;
/** The head may use this share of the time budget, so fine-tuning keeps a chance (it takes the rest). */
export const AUTO_HEAD_BUDGET_SHARE = 1 / 3;
/** The pixel baselines (linear, then a small MLP) may use this share of the time budget together. */
export const AUTO_PIXEL_BUDGET_SHARE = 0.15;
/** The pixel MLP beside the transfer head (the ensemble trial) may train until this share of the budget. */
export const AUTO_ENSEMBLE_BUDGET_SHARE = 0.15;
/** The ensemble's pixel branch reads the base's input average-pooled to at most this many pixels a side. */
export const AUTO_ENSEMBLE_MAX_SIDE = 32;
/** The second head the automatic flow tries when the recipe's head has no hidden layer. */
export const AUTO_WIDE_HEAD: HeadSpec = { pooling: 'avg', dense: 128, dropout: 0.3 };
/**
 * A linear head on cached features starts from a logistic regression on standardized features: full-batch
 * Adam steps at this rate with this L2 weight (the settings of the features probe, lightClassifier.ts).
 */
export const AUTO_WARM_START = { steps: 100, learningRate: 0.01, l2: 1e-2 } as const;
/** Cap on epochs of each automatic fine-tuning trial (early stopping usually ends it sooner). */
export const AUTO_FINE_TUNE_EPOCHS = 15;
/** Patience of the fine-tuning trials, whose epochs cost far more than the head's. */
export const AUTO_FINE_TUNE_PATIENCE = 3;
/**
 * The second phase trains at the first phase's rate divided by this, as in Keras' transfer-learning guide:
 * the automatic fine-tuning always, an explicit second phase (recipe, CLI, panel) unless it names a rate.
 */
export const SECOND_PHASE_RATE_DIVISOR = 10;
/** How many of the last blocks of the kept base the automatic fine-tuning trains. */
export const AUTO_TOP_BLOCKS = 2;
/** Augmented fine-tuning is tried only when the training split has fewer images per class than this. */
export const SMALL_DATA_PER_CLASS = 100;
/** Default of `timeBudget` and of the setting transferStudio.timeBudget. */
export const DEFAULT_TIME_BUDGET_SECONDS = 180;
/** Most a time budget may be: a day. */
export const MAX_TIME_BUDGET_SECONDS = 86_400;
/** `testSplit: auto` holds out this fraction of each class … */
export const AUTO_TEST_SPLIT = 0.15;
/** … when every class has at least this many images. */
export const AUTO_TEST_MIN_PER_CLASS = 20;

/** The learning rate of the second phase after a first phase at `firstRate`. */
export function secondPhaseRate(firstRate: number): number {
  return firstRate / SECOND_PHASE_RATE_DIVISOR;
}

/** The test fraction a recipe means, given the image count of each class. */
export function resolveTestSplit(testSplit: TrainRecipe['testSplit'], classSizes: readonly number[]): number {
  if (testSplit !== AUTO) return testSplit;
  return classSizes.length > 0 && Math.min(...classSizes) >= AUTO_TEST_MIN_PER_CLASS ? AUTO_TEST_SPLIT : 0;
}

/** Whether a run uses any automatic part. */
export function isAutomatic(r: Pick<TrainRecipe, 'epochs' | 'secondPhase'>): boolean {
  return r.epochs === AUTO || r.secondPhase === AUTO;
}

/** Head epochs and patience of the first phase. */
export function headSchedule(r: Pick<TrainRecipe, 'epochs' | 'patience'>): { epochs: number; patience: number } {
  return r.epochs === AUTO
    ? { epochs: AUTO_HEAD_EPOCH_CAP, patience: Math.max(r.patience, AUTO_MIN_PATIENCE) }
    : { epochs: r.epochs, patience: r.patience };
}

/** The improvement threshold of the first phase: relative when its epochs are automatic (see improves()). */
export function headImprovement(r: Pick<TrainRecipe, 'epochs'>): number | undefined {
  return r.epochs === AUTO ? AUTO_MIN_RELATIVE_IMPROVEMENT : undefined;
}

/**
 * Where the automatic fine-tuning starts: the first weighted layer of the last AUTO_TOP_BLOCKS blocks kept
 * by the cut (block_15_expand for MobileNetV2 at out_relu, where Conv_1 forms a block of its own).
 */
export function autoUnfreezeFrom(
  layers: readonly LayerInfo[],
  featureLayer: string,
  topBlocks = AUTO_TOP_BLOCKS,
): string | undefined {
  const end = layers.findIndex((l) => l.name === featureLayer);
  const kept = (end < 0 ? layers : layers.slice(0, end + 1)).filter((l) => l.hasWeights);
  const blocks: string[] = [];
  for (const l of kept) if (blocks[blocks.length - 1] !== l.block) blocks.push(l.block);
  // Keep at least one frozen block below: fine-tuning the whole base is not what "top blocks" means.
  if (blocks.length <= topBlocks + 1) return undefined;
  const first = blocks[blocks.length - topBlocks - 1];
  return kept.find((l) => l.block === first)?.name;
}

/**
 * Whether validation `loss` improves on `best`: by a fraction of it (automatic phases), else by the absolute
 * threshold.
 */
export function improves(loss: number, best: number, relative?: number): boolean {
  return relative === undefined ? loss < best - MIN_ABSOLUTE_IMPROVEMENT : loss < best * (1 - relative);
}

/** How many cuts the automatic flow compares: the default one and the last layers of the resolutions below it. */
export const AUTO_CUT_CANDIDATES = 3;
/** Layers that never end a stage: what comes after them at the same resolution is the stage's output. */
const NOT_A_CUT = new Set(['BatchNormalization', 'ZeroPadding2D', 'Cropping2D', 'Dropout', 'SpatialDropout2D']);

/**
 * The cuts the automatic flow tries, deepest first: the feature layer, then the last layer (an activation,
 * not a padding or a BatchNorm) of each of the next spatial resolutions below it (for MobileNetV2 at
 * out_relu: block_13_expand_relu at 14×14, block_6_expand_relu at 28×28). Earlier layers hold less specific
 * features, which can transfer better to data unlike the base's (issue 29: Fashion-MNIST).
 */
export function candidateCuts(
  layers: readonly LayerInfo[],
  featureLayer: string,
  count = AUTO_CUT_CANDIDATES,
): string[] {
  const end = layers.findIndex((l) => l.name === featureLayer);
  if (end < 0) return [featureLayer];
  const cuts = [featureLayer];
  const side = (l: LayerInfo) => (l.outputShape.length === 4 ? `${l.outputShape[1]}×${l.outputShape[2]}` : undefined);
  const seen = new Set([side(layers[end])]);
  for (let i = end - 1; i >= 0 && cuts.length < count; i--) {
    const l = layers[i];
    const s = side(l);
    if (s === undefined || seen.has(s) || l.hasWeights || NOT_A_CUT.has(l.className)) continue;
    seen.add(s);
    cuts.push(l.name);
  }
  return side(layers[end]) === undefined ? [featureLayer] : cuts;
}

/** Whether trial b beats a on validation: higher accuracy, or the same accuracy with lower loss. */
export function betterOnValidation(
  b: { valAccuracy: number; valLoss: number },
  a: { valAccuracy: number; valLoss: number },
): boolean {
  if (b.valAccuracy !== a.valAccuracy) return b.valAccuracy > a.valAccuracy;
  return b.valLoss < a.valLoss - 1e-4;
}

/**
 * The pool size that brings the base's input (`baseSize`, height and width) down to about the data's own
 * resolution (`ownSize`), at most AUTO_ENSEMBLE_MAX_SIDE a side: the ensemble's pixel branch reads the base's
 * input through it, so the saved model needs one input (Fashion-MNIST's 28×28 into 224×224: 8, back to 28).
 */
export function ensemblePoolSize(
  baseSize: readonly [number, number],
  ownSize: readonly [number, number],
): [number, number] {
  const pool = (base: number, own: number) => Math.max(1, Math.floor(base / Math.min(own, AUTO_ENSEMBLE_MAX_SIDE)));
  return [pool(baseSize[0], ownSize[0]), pool(baseSize[1], ownSize[1])];
}
