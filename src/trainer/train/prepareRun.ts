// The start every run shares, local or on Ray: scan the folder (its warnings and the last Check Data's in the
// log), resolve the recipe's automatic words that depend on the class sizes, keep the classes with enough
// images for every split, split them, and list the files that could not be read. And the run folder's name.
import path from 'node:path';
import type { ProgressEvent, TrainRecipe } from '../../shared/engineTypes';
import { runSplit, type Split } from '../../shared/split';
import { SkipList } from '../data/batchStream';
import { scanDataset, trainableClasses } from '../data/datasetScanner';
import { lastCheckWarning } from '../doctor/lastCheck';
import { createRunDir } from './runFolder';

/** A recipe whose class-size-dependent words are resolved (testSplit a number), with notes for the log. */
export interface ResolvedRecipe<R extends TrainRecipe> {
  recipe: R & { testSplit: number };
  notes: string[];
}

export interface ScannedRun<R extends TrainRecipe> {
  recipe: R & { testSplit: number };
  classes: string[];
  split: Split;
  skips: SkipList;
}

/** Scans, resolves and splits; `resolve` turns the recipe's automatic words into what this kind of run does. */
export async function prepareRun<R extends TrainRecipe>(
  asWritten: TrainRecipe,
  ctx: { cacheDir: string; emit: (e: ProgressEvent) => void },
  resolve: (recipe: TrainRecipe, classSizes: number[]) => ResolvedRecipe<R>,
): Promise<ScannedRun<R>> {
  ctx.emit({ kind: 'stage', stage: 'scanning', message: asWritten.data });
  const scan = await scanDataset(asWritten.data);
  scan.warnings.forEach((message) => ctx.emit({ kind: 'log', level: 'warn', message }));
  const checked = lastCheckWarning(ctx.cacheDir, scan); // issue 27: many flagged files still in place
  if (checked) ctx.emit({ kind: 'log', level: 'warn', message: checked });
  const { recipe, notes } = resolve(
    asWritten,
    scan.classes.filter((c) => c.files.length > 0).map((c) => c.files.length),
  );
  notes.forEach((message) => ctx.emit({ kind: 'log', level: 'info', message }));
  const minPerClass = 1 + (recipe.validationSplit > 0 ? 1 : 0) + (recipe.testSplit > 0 ? 1 : 0);
  const usable = trainableClasses(scan, minPerClass);
  const skips = new SkipList();
  scan.skipped.forEach((s) => skips.add(s.path, s.reason));
  // The panel's Dataset tab counts with the same function (its testSplit still the word auto).
  const { split } = runSplit(usable, recipe);
  return { recipe, classes: usable.map((c) => c.name), split, skips };
}

/** A new run folder under the recipe's output folder, named after the recipe or its data folder. */
export function newRunDir(recipe: TrainRecipe): string {
  return createRunDir(recipe.outputDir, recipe.name ?? path.basename(path.resolve(recipe.data)));
}
