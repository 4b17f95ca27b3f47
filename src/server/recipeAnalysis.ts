// Everything the server knows about one recipe text: its parsed fields, the base's layers and the data
// folder's classes. Diagnostics, completion and hover all start from here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRecipe, type ParsedRecipe } from '../recipe/recipeSyntax';
import { expandFrozenEntry } from '../shared/freezePlan';
import type { FreezeSpec, LayerInfo } from '../shared/engineTypes';
import { DEFAULT_BASE, defaultRecipe } from '../shared/recipeDefaults';
import { examplesNeededPerClass } from '../shared/split';
import type { DataFolders, DataFolderState } from './dataFolders';
import type { BaseLookup, LayerCatalog } from './layerCatalog';

export interface RecipeAnalysis {
  parsed: ParsedRecipe;
  recipeDir: string;
  /** Undefined in mode "source" and for text data, which train without a base. */
  base?: BaseLookup;
  /** Undefined when the recipe names no data folder. */
  data?: DataFolderState;
  /** Images each class needs for the split the recipe asks for (as the trainer requires). */
  minPerClass: number;
}

export interface AnalysisServices {
  catalog: LayerCatalog;
  folders: DataFolders;
}

export async function analyzeRecipe(text: string, uri: string, services: AnalysisServices): Promise<RecipeAnalysis> {
  const parsed = parseRecipe(text);
  const recipeDir = folderOf(uri);
  const r = parsed.value;
  const data = r.data ? services.folders.get(path.resolve(recipeDir, r.data)) : undefined;
  // Text data trains on word vectors and lexical features: no base to load.
  const textData = data?.kind === 'table' || (data?.kind === 'ok' && data.unit === 'text');
  const base =
    r.mode === 'source' || textData ? undefined : await services.catalog.lookup(r.base ?? DEFAULT_BASE, recipeDir);
  const defaults = defaultRecipe('');
  const minPerClass = examplesNeededPerClass(
    r.validationSplit ?? defaults.validationSplit,
    r.testSplit ?? defaults.testSplit,
  );
  return { parsed, recipeDir, base, data, minPerClass };
}

export function folderOf(uri: string): string {
  // Untitled recipes have no folder; relative paths then mean the server's working directory.
  return uri.startsWith('file:') ? path.dirname(fileURLToPath(uri)) : process.cwd();
}

/** What the recipe's freeze section does to a base, read leniently (entries with problems are skipped). */
export interface LayerPlan {
  featureLayer: string;
  cut: number;
  frozen: Set<string>;
}

export function layerPlan(
  layers: readonly LayerInfo[],
  freeze: FreezeSpec | undefined,
  defaultFeatureLayer: string,
): LayerPlan {
  const names = layers.map((l) => l.name);
  const wanted = freeze?.featureLayer ?? defaultFeatureLayer;
  const featureLayer = names.includes(wanted) ? wanted : defaultFeatureLayer;
  const cut = Math.max(0, names.indexOf(featureLayer));
  const frozen = new Set<string>();
  const entries = [...(freeze?.freezeUpTo ? [`up to ${freeze.freezeUpTo}`] : []), ...(freeze?.frozen ?? [])];
  for (const entry of entries) expandFrozenEntry(names, cut, entry).layers.forEach((n) => frozen.add(n));
  // Nothing said: the whole kept base is frozen (as the engine decides).
  if (!freeze?.freezeUpTo && !freeze?.frozen) names.slice(0, cut + 1).forEach((n) => frozen.add(n));
  return { featureLayer, cut, frozen };
}

/** A layer's part in the run, in words for hover. */
export function layerState(plan: LayerPlan, layer: LayerInfo): string {
  if (layer.index > plan.cut) return `dropped (after the feature layer ${plan.featureLayer})`;
  if (!layer.hasWeights) return 'no weights (nothing to train)';
  return plan.frozen.has(layer.name) ? 'frozen' : 'trains';
}
