// Turns `train` options (and an optional recipe file) into a complete recipe. Command-line options win
// over the recipe file, which wins over the defaults.
import path from 'node:path';
import { describeRange, fieldAt, inRange } from '../shared/recipeFields';
import { completeRecipe, readRecipeFile, RecipeFileError } from '../recipe/recipeFile';
import type { OptimizerName, TrainRecipe } from '../shared/engineTypes';
import { DEFAULT_AUGMENTATION, recipeProblems } from '../shared/recipeDefaults';
import { AUTO, OFF } from '../shared/autoFlow';
import { CliError } from './cliError';

export const TRAIN_OPTIONS = {
  base: { type: 'string' }, 'feature-layer': { type: 'string' }, 'freeze-until': { type: 'string' },
  epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, val: { type: 'string' },
  test: { type: 'string' }, seed: { type: 'string' }, patience: { type: 'string' }, augment: { type: 'boolean' },
  'compare-scratch': { type: 'boolean' }, recipe: { type: 'string' }, out: { type: 'string' }, name: { type: 'string' },
  source: { type: 'boolean' }, 'input-size': { type: 'string' }, channels: { type: 'string' }, 'max-per-class': { type: 'string' },
  'second-phase-from': { type: 'string' }, 'second-phase-epochs': { type: 'string' }, 'second-phase-lr': { type: 'string' },
  dense: { type: 'string' }, dropout: { type: 'string' }, pooling: { type: 'string' }, optimizer: { type: 'string' },
  'second-phase': { type: 'string' }, 'time-budget': { type: 'string' },
} as const;

/** The recipe field each numeric flag sets, so the flag is checked against that field's range. */
const FLAG_FIELDS: Partial<Record<keyof typeof TRAIN_OPTIONS, (string | number)[]>> = {
  epochs: ['epochs'], 'batch-size': ['batchSize'], lr: ['learningRate'], val: ['validationSplit'], test: ['testSplit'],
  seed: ['seed'], patience: ['patience'], 'max-per-class': ['maxPerClass'], 'input-size': ['inputSize', 0],
  channels: ['inputChannels'], dense: ['head', 'dense'], dropout: ['head', 'dropout'],
  'second-phase-epochs': ['secondPhase', 'epochs'], 'second-phase-lr': ['secondPhase', 'learningRate'],
  'time-budget': ['timeBudget'],
};

type Values = { [K in keyof typeof TRAIN_OPTIONS]?: (typeof TRAIN_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

export function recipeFromArgs(folder: string | undefined, v: Values): TrainRecipe {
  const fromFile = v.recipe ? readFile(v.recipe) : undefined;
  const data = folder ? path.resolve(folder) : fromFile?.data;
  if (!data) throw new CliError('train needs a dataset folder (or a recipe with "data").');
  const r: TrainRecipe = completeRecipe(fromFile ?? {}, data);
  const num = (name: keyof Values, value: string | boolean | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new CliError(`--${name} must be a number (got "${value}").`);
    // The same bounds as a recipe file's field, from the one field table.
    const spec = fieldAt(FLAG_FIELDS[name] ?? []);
    if (spec?.kind === 'number' && !inRange(n, spec)) throw new CliError(`--${name} must be ${describeRange(spec)} (got ${value}).`);
    return n;
  };
  if (v.source) r.mode = 'source';
  if (v.base) r.base = v.base;
  if (v['feature-layer']) r.freeze = { ...r.freeze, featureLayer: v['feature-layer'] };
  if (v['freeze-until']) r.freeze = { ...r.freeze, freezeUpTo: v['freeze-until'] };
  const numOrAuto = (name: keyof Values, value: string | undefined) => (value === AUTO ? AUTO : num(name, value));
  r.epochs = numOrAuto('epochs', v.epochs) ?? r.epochs;
  r.batchSize = num('batch-size', v['batch-size']) ?? r.batchSize;
  r.learningRate = num('lr', v.lr) ?? r.learningRate;
  r.validationSplit = num('val', v.val) ?? r.validationSplit;
  r.testSplit = numOrAuto('test', v.test) ?? r.testSplit;
  r.timeBudget = num('time-budget', v['time-budget']) ?? r.timeBudget;
  if (v['second-phase'] === OFF) delete r.secondPhase;
  else if (v['second-phase'] === AUTO) r.secondPhase = AUTO;
  else if (v['second-phase'] !== undefined) throw new CliError(`--second-phase must be auto or off (got "${v['second-phase']}"); --second-phase-from <layer> sets an explicit one.`);
  r.seed = num('seed', v.seed) ?? r.seed;
  r.patience = num('patience', v.patience) ?? r.patience;
  r.maxPerClass = num('max-per-class', v['max-per-class']) ?? r.maxPerClass;
  if (v.augment) r.augmentation = { ...DEFAULT_AUGMENTATION };
  if (v['compare-scratch']) r.compareScratch = true;
  // A recipe's outputDir is already absolute (relative to the recipe); the default is relative to the cwd.
  r.outputDir = path.resolve(v.out ?? r.outputDir);
  if (v.optimizer) r.optimizer = v.optimizer as OptimizerName;
  if (v.name) r.name = v.name;
  if (v['input-size']) {
    const size = num('input-size', v['input-size'])!;
    r.inputSize = [size, size];
  }
  if (v.channels) r.inputChannels = num('channels', v.channels) as 1 | 3;
  if (v.dense || v.dropout || v.pooling) {
    r.head = { ...r.head, dense: num('dense', v.dense) ?? r.head.dense, dropout: num('dropout', v.dropout) ?? r.head.dropout, pooling: (v.pooling as TrainRecipe['head']['pooling']) ?? r.head.pooling };
  }
  if (v['second-phase-from']) {
    r.secondPhase = { unfreezeFrom: v['second-phase-from'], epochs: num('second-phase-epochs', v['second-phase-epochs']) ?? 5, learningRate: num('second-phase-lr', v['second-phase-lr']) ?? r.learningRate / 10 };
  }
  const problems = recipeProblems(r);
  if (problems.length) throw new CliError(`Invalid recipe: ${problems.join('; ')}.`);
  return r;
}

function readFile(file: string) {
  try {
    return readRecipeFile(file);
  } catch (e) {
    if (e instanceof RecipeFileError) throw new CliError(e.message);
    throw e;
  }
}
