// Turns `train` options (and an optional recipe file) into a complete recipe. Command-line options win
// over the recipe file, which wins over the defaults.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { TrainRecipe } from '../shared/engineTypes';
import { defaultRecipe, recipeProblems, recipeTypeProblems } from '../shared/recipeDefaults';
import { CliError } from './cliError';

export const TRAIN_OPTIONS = {
  base: { type: 'string' }, 'feature-layer': { type: 'string' }, 'freeze-until': { type: 'string' },
  epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, val: { type: 'string' },
  test: { type: 'string' }, seed: { type: 'string' }, patience: { type: 'string' }, augment: { type: 'boolean' },
  'compare-scratch': { type: 'boolean' }, recipe: { type: 'string' }, out: { type: 'string' }, name: { type: 'string' },
  source: { type: 'boolean' }, 'input-size': { type: 'string' }, channels: { type: 'string' }, 'max-per-class': { type: 'string' },
  'second-phase-from': { type: 'string' }, 'second-phase-epochs': { type: 'string' }, 'second-phase-lr': { type: 'string' },
  dense: { type: 'string' }, dropout: { type: 'string' }, pooling: { type: 'string' },
} as const;

type Values = { [K in keyof typeof TRAIN_OPTIONS]?: (typeof TRAIN_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

export function recipeFromArgs(folder: string | undefined, v: Values): TrainRecipe {
  const fromFile = v.recipe ? readRecipeFile(v.recipe) : undefined;
  const data = folder ? path.resolve(folder) : fromFile?.data;
  if (!data) throw new CliError('train needs a dataset folder (or a recipe with "data").');
  const r: TrainRecipe = { ...defaultRecipe(data), ...fromFile, data };
  const num = (name: keyof Values, value: string | boolean | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new CliError(`--${name} must be a number (got "${value}").`);
    return n;
  };
  if (v.source) r.mode = 'source';
  if (v.base) r.base = v.base;
  if (v['feature-layer']) r.freeze = { ...r.freeze, featureLayer: v['feature-layer'] };
  if (v['freeze-until']) r.freeze = { ...r.freeze, freezeUpTo: v['freeze-until'] };
  r.epochs = num('epochs', v.epochs) ?? r.epochs;
  r.batchSize = num('batch-size', v['batch-size']) ?? r.batchSize;
  r.learningRate = num('lr', v.lr) ?? r.learningRate;
  r.validationSplit = num('val', v.val) ?? r.validationSplit;
  r.testSplit = num('test', v.test) ?? r.testSplit;
  r.seed = num('seed', v.seed) ?? r.seed;
  r.patience = num('patience', v.patience) ?? r.patience;
  r.maxPerClass = num('max-per-class', v['max-per-class']) ?? r.maxPerClass;
  if (v.augment) r.augmentation = { flip: true, rotation: 10, crop: 0.1, brightness: 0.1 };
  if (v['compare-scratch']) r.compareScratch = true;
  if (v.out) r.outputDir = path.resolve(v.out);
  else if (fromFile?.outputDir) r.outputDir = path.resolve(path.dirname(v.recipe!), fromFile.outputDir);
  else r.outputDir = path.resolve(r.outputDir);
  if (v.name) r.name = v.name;
  if (v['input-size']) {
    const size = num('input-size', v['input-size'])!;
    r.inputSize = [size, size];
  }
  if (v.channels) r.inputChannels = num('channels', v.channels) === 1 ? 1 : 3;
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

function readRecipeFile(file: string): Partial<TrainRecipe> {
  let text: string;
  try {
    // A recipe is a page of settings; a file of megabytes is a mistake (or an attack on the parser).
    if (fs.statSync(file).size > 1024 * 1024) throw new CliError(`Recipe ${file} is larger than 1 MiB; a recipe is a short YAML or JSON file.`);
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`Cannot read recipe ${file}.`);
  }
  let value: unknown;
  try {
    value = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new CliError(`Recipe ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError(`Recipe ${file} must be a mapping of recipe fields.`);
  const typeProblems = recipeTypeProblems(value as Record<string, unknown>);
  if (typeProblems.length) throw new CliError(`Recipe ${file}: ${typeProblems.join('; ')}.`);
  const recipe = value as Partial<TrainRecipe>;
  // Paths in a recipe are relative to the recipe, so the file works from any working directory.
  const dir = path.dirname(path.resolve(file));
  if (recipe.data) recipe.data = path.resolve(dir, recipe.data);
  if (recipe.base && (recipe.base.startsWith('.') || recipe.base.includes('/')) && !/^https?:/.test(recipe.base)) recipe.base = path.resolve(dir, recipe.base);
  return recipe;
}
