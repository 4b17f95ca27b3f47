// A new recipe file for a run that did not start from one ("Save as Recipe"): every field of the
// recipe, each explained by a comment taken from the field table, paths relative to the recipe's folder.
import path from 'node:path';
import { Document, isMap, isScalar, type YAMLMap } from 'yaml';
import type { TrainRecipe } from '../shared/engineTypes';
import { RECIPE_FIELDS, type FieldSpec } from '../shared/recipeFields';
import { OFF } from '../shared/autoFlow';
import { isPathLikeBase } from './recipeFile';
import { isEncoderUrl } from '../shared/text/encoderMeta';

// The order a reader wants: what is trained on, from what, how, and where it runs and results go. A record
// (its keys in that order) rather than a list, so a recipe field missing here fails to compile.
const ORDER: Record<keyof TrainRecipe, true> = {
  name: true,
  mode: true,
  data: true,
  text: true,
  base: true,
  freeze: true,
  head: true,
  optimizer: true,
  learningRate: true,
  epochs: true,
  batchSize: true,
  validationSplit: true,
  testSplit: true,
  seed: true,
  patience: true,
  maxPerClass: true,
  augmentation: true,
  secondPhase: true,
  timeBudget: true,
  compareScratch: true,
  inputSize: true,
  inputChannels: true,
  sourceModel: true,
  ray: true,
  outputDir: true,
};

/** The text of a recipe file in `recipeDir` that reproduces `recipe`. */
export function recipeText(recipe: TrainRecipe, recipeDir: string): string {
  const relative = (p: string) => {
    const rel = path.relative(recipeDir, p) || '.';
    // Forward slashes: the recipe is meant to be committed and read on every platform.
    return path.isAbsolute(rel) ? rel : rel.split(path.sep).join('/');
  };
  const fields: Record<string, unknown> = {};
  // Absent, the second phase reads back as auto: a run without one says so.
  const complete: TrainRecipe =
    recipe.mode === 'transfer' && recipe.secondPhase === undefined ? { ...recipe, secondPhase: OFF as never } : recipe;
  for (const key of Object.keys(ORDER) as (keyof TrainRecipe)[]) {
    const value = complete[key];
    if (value === undefined) continue;
    if (key === 'data' || key === 'outputDir') fields[key] = relative(value as string);
    else if (key === 'base' && isPathLikeBase(value as string)) fields[key] = relative(value as string);
    else if (key === 'text' && recipe.text?.encoder && !isEncoderUrl(recipe.text.encoder))
      fields[key] = { ...recipe.text, encoder: relative(recipe.text.encoder) };
    else fields[key] = value;
  }
  const doc = new Document(fields);
  const top = doc.contents as YAMLMap;
  annotate(top, RECIPE_FIELDS);
  doc.commentBefore = [
    ' Transfer Studio recipe: every choice of a training run, reviewable in a diff.',
    ' Paths are relative to this file. Train it with "Train" above, or: transfer-studio train --recipe <this file>',
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}

function annotate(map: YAMLMap, specs: Readonly<Record<string, FieldSpec>>): void {
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const spec = specs[String(pair.key.value)];
    if (!spec) continue;
    pair.key.commentBefore = ` ${spec.doc}`;
    if (spec.kind === 'object' && isMap(pair.value)) annotate(pair.value, spec.fields);
  }
}
