// The one reader of recipe files on disk, used by `transfer-studio train --recipe`, by the extension host
// ("Train" on a recipe) and, through parseRecipe, by the language server. Paths in a recipe are relative to
// the recipe, so the same file trains the same way from any working directory.
import fs from 'node:fs';
import path from 'node:path';
import type { SecondPhase, TrainRecipe } from '../shared/engineTypes';
import { DEFAULT_AUGMENTATION, defaultRecipe } from '../shared/recipeDefaults';
import { recipeProblems } from '../shared/recipeChecks';
import { AUTO, OFF, secondPhaseRate } from '../shared/autoFlow';
import { lineColumn, MAX_RECIPE_BYTES, parseRecipe } from './recipeSyntax';
import { isEncoderUrl } from '../shared/text/encoderMeta';

/** A recipe file that cannot be used; the message names the file, the line and the column. */
export class RecipeFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecipeFileError';
  }
}

/** The fields a recipe file sets, type- and range-checked, with its paths made absolute. */
export function readRecipeFile(file: string): Partial<TrainRecipe> {
  let text: string;
  try {
    const st = fs.statSync(file);
    // A FIFO or device would block the read (or never end): only regular files are recipes.
    if (!st.isFile()) throw new RecipeFileError(`Cannot read recipe ${file}: not a regular file.`);
    if (st.size > MAX_RECIPE_BYTES)
      throw new RecipeFileError(`Recipe ${file} is larger than 1 MiB; a recipe is a short YAML or JSON file.`);
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof RecipeFileError) throw e;
    throw new RecipeFileError(`Cannot read recipe ${file}.`);
  }
  const parsed = parseRecipe(text);
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    const shown = errors.slice(0, 5).map((p) => `${file}:${lineColumn(parsed, p.start)}: ${p.message}`);
    if (errors.length > 5) shown.push(`… and ${errors.length - 5} more`);
    throw new RecipeFileError(
      `Recipe ${file} has ${errors.length === 1 ? 'a problem' : `${errors.length} problems`}:\n${shown.join('\n')}`,
    );
  }
  return resolveRecipePaths(parsed.value, path.dirname(path.resolve(file)));
}

/** A complete recipe from a file: the file's fields over the defaults, checked as a whole. */
export function loadRecipe(file: string): TrainRecipe {
  const fields = readRecipeFile(file);
  if (!fields.data)
    throw new RecipeFileError(`Recipe ${file} has no "data" field: name the dataset folder, relative to the recipe.`);
  const recipe = completeRecipe(fields, fields.data);
  const problems = recipeProblems(recipe).map((p) => p.message);
  if (problems.length) throw new RecipeFileError(`Recipe ${file}: ${problems.join('; ')}.`);
  return recipe;
}

/**
 * Fills what a recipe leaves out, field by field inside nested sections too (a head with only `dense` keeps the
 * default pooling).
 */
export function completeRecipe(fields: Partial<TrainRecipe>, data: string): TrainRecipe {
  const base = defaultRecipe(data);
  const r: TrainRecipe = {
    ...base,
    ...fields,
    data,
    head: { ...base.head, ...fields.head },
    freeze: { ...fields.freeze },
  };
  if (fields.augmentation) r.augmentation = { ...DEFAULT_AUGMENTATION, ...fields.augmentation };
  // A file may leave out the second phase's epochs and rate; the type says complete, the file need not be.
  if ((fields.secondPhase as unknown) === OFF) delete r.secondPhase;
  else if (fields.secondPhase && fields.secondPhase !== AUTO)
    r.secondPhase = {
      epochs: 5,
      learningRate: secondPhaseRate(r.learningRate),
      ...(fields.secondPhase as Partial<SecondPhase>),
    } as SecondPhase;
  return r;
}

/** Makes the data folder, a path-like base and the output folder absolute, against the recipe's folder. */
export function resolveRecipePaths(fields: Partial<TrainRecipe>, recipeDir: string): Partial<TrainRecipe> {
  const r = { ...fields };
  if (r.data) r.data = path.resolve(recipeDir, r.data);
  if (r.outputDir) r.outputDir = path.resolve(recipeDir, r.outputDir);
  if (r.base && isPathLikeBase(r.base)) r.base = path.resolve(recipeDir, r.base);
  if (r.text?.encoder && !isEncoderUrl(r.text.encoder))
    r.text = { ...r.text, encoder: path.resolve(recipeDir, r.text.encoder) };
  // A URI stays as written: the Ray driver refuses it with its own message.
  const storage = r.ray?.storagePath;
  if (storage && !/^[a-z][a-z0-9+.-]*:\/\//i.test(storage))
    r.ray = { ...r.ray, storagePath: path.resolve(recipeDir, storage) };
  return r;
}

/** A base spec that names a file or folder (not a built-in id, not a URL). */
export function isPathLikeBase(base: string): boolean {
  return (
    !/^https?:\/\//i.test(base) &&
    (base.startsWith('.') ||
      base.includes('/') ||
      base.includes('\\') ||
      path.isAbsolute(base) ||
      base.endsWith('.json') ||
      /\.(keras|h5|hdf5)$/i.test(base))
  );
}
