// Defaults of every recipe field, shared by the CLI, the extension's settings and (later) recipe files,
// so "Enter, Enter" in the editor and a bare `transfer-studio train data/` mean the same run.
import { BUILTIN_BASES } from './builtinBases';
import type { Augmentation, TrainRecipe } from './engineTypes';
import { describeRange, inRange, numberField, stringField } from './recipeFields';
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

/** Checks a recipe's values against the recipe field table; returns the problems in words, empty when valid. */
export function recipeProblems(r: TrainRecipe): string[] {
  const problems: string[] = [];
  // A field's words (epochs: auto) are as valid as its numbers.
  const number = (label: string, value: number | string | undefined, ...path: string[]) => {
    const spec = numberField(...path);
    const ok =
      typeof value === 'string'
        ? spec.words?.includes(value)
        : Number.isFinite(value) && inRange(value as number, spec);
    if (value !== undefined && !ok)
      problems.push(`${label} must be ${[...(spec.words ?? []), describeRange(spec)].join(' or ')} (got ${value})`);
  };
  const text = (label: string, value: string | undefined, ...path: string[]) => {
    const options = stringField(...path).enum ?? [];
    if (value !== undefined && !options.includes(value))
      problems.push(`${label} must be one of ${options.join(', ')} (got ${value})`);
  };
  text('mode', r.mode, 'mode');
  number('epochs', r.epochs, 'epochs');
  number('batch size', r.batchSize, 'batchSize');
  number('learning rate', r.learningRate, 'learningRate');
  number('validation split', r.validationSplit, 'validationSplit');
  number('test split', r.testSplit, 'testSplit');
  number('time budget (seconds)', r.timeBudget, 'timeBudget');
  // A rule across two fields, beyond what the table says of each one.
  if (r.testSplit !== AUTO && !(r.testSplit + r.validationSplit < 1))
    problems.push(
      `test split and validation split must leave images for training (got ${r.testSplit} + ${r.validationSplit})`,
    );
  number('patience', r.patience, 'patience');
  text('optimizer', r.optimizer, 'optimizer');
  text('head pooling', r.head.pooling, 'head', 'pooling');
  number('head dense width', r.head.dense, 'head', 'dense');
  number('dropout', r.head.dropout, 'head', 'dropout');
  if (r.secondPhase && r.secondPhase !== AUTO) {
    number('second phase epochs', r.secondPhase.epochs, 'secondPhase', 'epochs');
    number('second phase learning rate', r.secondPhase.learningRate, 'secondPhase', 'learningRate');
  }
  return problems;
}
