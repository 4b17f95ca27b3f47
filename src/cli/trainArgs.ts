// `train`'s options, and how they turn (with an optional recipe file) into a complete recipe. Options given
// on the command line win over the recipe file, which wins over the defaults. The defaults shown in
// `train --help` are read from the same defaultRecipe() the engine uses.
import path from 'node:path';
import { completeRecipe, readRecipeFile, RecipeFileError } from '../recipe/recipeFile';
import { BUILTIN_BASES } from '../shared/builtinBases';
import type { OptimizerName, TrainRecipe } from '../shared/engineTypes';
import { DEFAULT_AUGMENTATION, defaultRecipe } from '../shared/recipeDefaults';
import { recipeProblems } from '../shared/recipeChecks';
import {
  AUTO,
  AUTO_FINE_TUNE_EPOCHS,
  AUTO_FINE_TUNE_PATIENCE,
  AUTO_MIN_PATIENCE,
  AUTO_MIN_RELATIVE_IMPROVEMENT,
  DEFAULT_TIME_BUDGET_SECONDS,
  OFF,
  SECOND_PHASE_RATE_DIVISOR,
  secondPhaseRate,
} from '../shared/autoFlow';
import { describeRange, fieldAt, inRange, numberField, OPTIMIZERS, stringField } from '../shared/recipeFields';
import { CliError } from './cliError';
import type { OptionSpec } from './commandSpec';
import { EXIT } from './exitCodes';

const D = defaultRecipe('');
/** Epochs of the second phase when --second-phase-from is given without --second-phase-epochs. */
const SECOND_PHASE_EPOCHS = 5;
/** The choices of --pooling and --channels, from the recipe field table. */
export const POOLINGS = stringField('head', 'pooling').enum ?? [];
const CHANNELS = (numberField('inputChannels').enum ?? []).map(String);
/** How the CLI names a base, for the help of `layers` and `train --base`. */
export const BASE_WORDS = `${BUILTIN_BASES.join(', ')}, a model.json, a .keras/.h5 file, a run folder or a URL`;
export const TRAIN_OPTIONS = [
  {
    flags: '--recipe <file>',
    description: 'a recipe file (YAML or JSON); options given here override it',
  },
  {
    flags: '--base <base>',
    description: `base: ${BASE_WORDS}`,
    default: D.base,
  },
  {
    flags: '--source',
    description: 'train a small CNN from scratch (a source model) instead of fine-tuning a base',
  },
  {
    flags: '--feature-layer <layer>',
    description: "cut the base here; the new head starts after it (default: the base's)",
  },
  {
    flags: '--freeze-until <layer>',
    description: 'base layers up to this one stay frozen (default: all of them)',
  },
  {
    flags: '--epochs <n>',
    description: `epochs of the first phase, or auto: until ${AUTO_MIN_PATIENCE} epochs pass without a ${AUTO_MIN_RELATIVE_IMPROVEMENT * 100} % lower validation loss`,
    default: D.epochs,
    number: true,
  },
  {
    flags: '--batch-size <n>',
    description: 'images per step (lower it when base layers train)',
    default: D.batchSize,
    number: true,
  },
  {
    flags: '--lr <rate>',
    description: 'learning rate of the first phase',
    default: D.learningRate,
    number: true,
  },
  {
    flags: '--optimizer <name>',
    description: 'optimizer',
    default: OPTIMIZERS[0],
    choices: OPTIMIZERS,
  },
  {
    flags: '--val <fraction>',
    description: 'fraction of each class held out for validation',
    default: D.validationSplit,
    number: true,
  },
  {
    flags: '--test <fraction>',
    description: 'fraction of each class held out for the final test, or auto: 15 % when every class has 20 images',
    default: D.testSplit,
    number: true,
  },
  {
    flags: '--seed <n>',
    description: 'seed of the split, the shuffles and the new weights',
    default: D.seed,
    number: true,
  },
  {
    flags: '--patience <epochs>',
    description: 'stop when validation loss has not improved for this many epochs (0: never)',
    default: D.patience,
    number: true,
  },
  {
    flags: '--max-per-class <n>',
    description: 'use at most this many images per class (0: all)',
    default: 0,
    number: true,
  },
  {
    flags: '--augment',
    description: 'random flips, small rotations, crops and brightness changes',
  },
  {
    flags: '--compare-scratch',
    description: 'also train the same network from random weights, on the same split',
  },
  {
    flags: '--dense <units>',
    description: 'units of a hidden dense layer in the head (0: none)',
    default: D.head.dense,
    number: true,
  },
  {
    flags: '--dropout <rate>',
    description: 'dropout before the last layer of the head',
    default: D.head.dropout,
    number: true,
  },
  {
    flags: '--pooling <kind>',
    description: "how the head pools the base's feature map",
    default: D.head.pooling,
    choices: POOLINGS,
  },
  {
    flags: '--second-phase <mode>',
    description: 'auto: fine-tune the top blocks when the time budget allows and validation improves; off: head only',
    default: AUTO,
    choices: [AUTO, OFF],
  },
  {
    flags: '--time-budget <seconds>',
    description: 'seconds the automatic flow may train once features are cached',
    default: DEFAULT_TIME_BUDGET_SECONDS,
    number: true,
  },
  {
    flags: '--second-phase-from <layer>',
    description: 'after the first phase, unfreeze from this layer and train again',
  },
  {
    flags: '--second-phase-epochs <n>',
    description: `epochs of the second phase of --second-phase-from (the automatic one stops after ${AUTO_FINE_TUNE_PATIENCE} epochs without improvement, at most ${AUTO_FINE_TUNE_EPOCHS})`,
    default: SECOND_PHASE_EPOCHS,
    number: true,
  },
  {
    flags: '--second-phase-lr <rate>',
    description: 'learning rate of the second phase',
    defaultText: `--lr / ${SECOND_PHASE_RATE_DIVISOR}`,
    number: true,
  },
  {
    flags: '--input-size <pixels>',
    description: 'with --source: the square input size of the CNN',
    number: true,
  },
  {
    flags: '--channels <n>',
    description: 'with --source: 1 for grayscale data, 3 for colour',
    choices: CHANNELS,
  },
  {
    flags: '--out <dir>',
    description: 'folder that receives the run folder',
    default: D.outputDir,
  },
  {
    flags: '--name <name>',
    description: 'name part of the run folder (default: the data folder name)',
  },
] as const satisfies readonly OptionSpec[];

type Long<F extends string> = F extends `--${infer N} <${string}>` ? N : F extends `--${infer N}` ? N : never;
export type TrainOptionName = Long<(typeof TRAIN_OPTIONS)[number]['flags']>;
/** Options given on the command line, by long name ("batch-size"); absent when not given. */
export type TrainValues = Partial<Record<TrainOptionName, string | boolean>>;

/** The recipe field each numeric flag sets, so the flag is checked against that field's range. */
const FLAG_FIELDS: Partial<Record<TrainOptionName, (string | number)[]>> = {
  epochs: ['epochs'],
  'batch-size': ['batchSize'],
  lr: ['learningRate'],
  val: ['validationSplit'],
  test: ['testSplit'],
  seed: ['seed'],
  patience: ['patience'],
  'max-per-class': ['maxPerClass'],
  'input-size': ['inputSize', 0],
  channels: ['inputChannels'],
  dense: ['head', 'dense'],
  dropout: ['head', 'dropout'],
  'second-phase-epochs': ['secondPhase', 'epochs'],
  'second-phase-lr': ['secondPhase', 'learningRate'],
  'time-budget': ['timeBudget'],
};

/** A numeric flag's value, checked against the recipe field it sets (the same bounds as a recipe file's). */
export function numberFlag(name: string, value: string, field: readonly (string | number)[] = []): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new CliError(`--${name} must be a number (got "${value}").`);
  const spec = fieldAt(field);
  if (spec?.kind === 'number' && !inRange(n, spec))
    throw new CliError(`--${name} must be ${describeRange(spec)} (got ${value}).`);
  return n;
}

export function recipeFromArgs(folder: string | undefined, v: TrainValues): TrainRecipe {
  const fromFile = typeof v.recipe === 'string' ? readFile(v.recipe) : undefined;
  const data = folder ? path.resolve(folder) : fromFile?.data;
  if (!data)
    throw new CliError('train needs a dataset folder (or --recipe with "data"). Run transfer-studio train --help.');
  const r: TrainRecipe = completeRecipe(fromFile ?? {}, data);
  const num = (name: TrainOptionName): number | undefined => {
    const value = v[name];
    if (value === undefined || typeof value === 'boolean') return undefined;
    return numberFlag(name, value, FLAG_FIELDS[name]);
  };
  const text = (name: TrainOptionName): string | undefined => (typeof v[name] === 'string' ? v[name] : undefined);
  if (v.source) r.mode = 'source';
  r.base = text('base') ?? r.base;
  if (text('feature-layer')) r.freeze = { ...r.freeze, featureLayer: text('feature-layer') };
  if (text('freeze-until')) r.freeze = { ...r.freeze, freezeUpTo: text('freeze-until') };
  const numOrAuto = (name: TrainOptionName) => (v[name] === AUTO ? AUTO : num(name));
  r.epochs = numOrAuto('epochs') ?? r.epochs;
  r.batchSize = num('batch-size') ?? r.batchSize;
  r.learningRate = num('lr') ?? r.learningRate;
  r.validationSplit = num('val') ?? r.validationSplit;
  r.testSplit = numOrAuto('test') ?? r.testSplit;
  r.timeBudget = num('time-budget') ?? r.timeBudget;
  if (text('second-phase') === OFF) delete r.secondPhase;
  else if (text('second-phase') === AUTO) r.secondPhase = AUTO;
  r.seed = num('seed') ?? r.seed;
  r.patience = num('patience') ?? r.patience;
  r.maxPerClass = num('max-per-class') ?? r.maxPerClass;
  if (v.augment) r.augmentation = { ...DEFAULT_AUGMENTATION };
  if (v['compare-scratch']) r.compareScratch = true;
  // A recipe's outputDir is already absolute (relative to the recipe); the default is relative to the cwd.
  r.outputDir = path.resolve(text('out') ?? r.outputDir);
  if (text('optimizer')) r.optimizer = text('optimizer') as OptimizerName;
  if (text('name')) r.name = text('name');
  const size = num('input-size');
  if (size !== undefined) r.inputSize = [size, size];
  const channels = text('channels');
  if (channels !== undefined) r.inputChannels = numberFlag('channels', channels, FLAG_FIELDS.channels) as 1 | 3;
  if (v.dense !== undefined || v.dropout !== undefined || v.pooling !== undefined) {
    const pooling = (text('pooling') as TrainRecipe['head']['pooling'] | undefined) ?? r.head.pooling;
    r.head = {
      ...r.head,
      dense: num('dense') ?? r.head.dense,
      dropout: num('dropout') ?? r.head.dropout,
      pooling,
    };
  }
  const from = text('second-phase-from');
  if (from) {
    r.secondPhase = {
      unfreezeFrom: from,
      epochs: num('second-phase-epochs') ?? SECOND_PHASE_EPOCHS,
      learningRate: num('second-phase-lr') ?? secondPhaseRate(r.learningRate),
    };
  }
  const problems = recipeProblems(r).map((p) => p.message);
  if (problems.length) throw new CliError(`Invalid recipe: ${problems.join('; ')}.`);
  return r;
}

function readFile(file: string) {
  try {
    return readRecipeFile(file);
  } catch (e) {
    if (e instanceof RecipeFileError) throw new CliError(e.message, EXIT.failed);
    throw e;
  }
}
