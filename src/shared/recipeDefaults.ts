// Defaults of every recipe field, shared by the CLI, the extension's settings and (later) recipe files,
// so "Enter, Enter" in the editor and a bare `transfer-studio train data/` mean the same run.
import { BUILTIN_BASES } from './builtinBases';
import type { Augmentation, TrainRecipe } from './engineTypes';
import { AUTO, DEFAULT_TIME_BUDGET_SECONDS } from './autoFlow';

/** The first built-in base is the one a bare command or a new recipe uses. */
export const DEFAULT_BASE = BUILTIN_BASES[0];
/** Seed of the split, the shuffling and the augmentation when none is given. */
export const DEFAULT_SEED = 42;
/** The augmentation "on" means, in the panel, a recipe's empty section and a recipe edit. */
export const DEFAULT_AUGMENTATION: Augmentation = { flip: true, rotation: 10, crop: 0.1, brightness: 0.1 };

export function defaultRecipe(data: string): TrainRecipe {
  return {
    mode: 'transfer',
    data,
    base: DEFAULT_BASE,
    freeze: {},
    head: { pooling: 'avg', dense: 0, dropout: 0.2 },
    learningRate: 0.001,
    epochs: AUTO,
    batchSize: 32,
    validationSplit: 0.2,
    testSplit: AUTO,
    seed: DEFAULT_SEED,
    patience: 3,
    secondPhase: AUTO,
    timeBudget: DEFAULT_TIME_BUDGET_SECONDS,
    compareScratch: false,
    outputDir: '.transfer-studio/runs',
  };
}
