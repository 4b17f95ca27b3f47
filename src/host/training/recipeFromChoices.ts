// Turns the host's choices into the engine's recipe. No vscode here: the same function serves the
// right-click flow, the panel's Start button and the tests.
import type { BaseDescription, LayerInfo, TrainRecipe } from '../../shared/engineTypes';
import { freezeSpecOf, keptLayers } from '../../shared/freezePlan';
import type { StudioChoices } from '../../shared/panelProtocol';
import { defaultRecipe } from '../../shared/recipeDefaults';
import { recipeFieldsOf, secondPhaseOf } from '../../shared/trainingSettings';

export interface RecipeTarget {
  mode: TrainRecipe['mode'];
  /** Absolute folder that receives the run folder. */
  runsDir: string;
  name: string;
}

export function recipeFromChoices(
  choices: StudioChoices,
  base: BaseDescription | undefined,
  target: RecipeTarget,
): TrainRecipe {
  if (!choices.dataFolder) throw new Error('Choose a dataset folder first (right-click it in the Explorer).');
  const s = choices.settings;
  const recipe: TrainRecipe = {
    ...defaultRecipe(choices.dataFolder),
    mode: target.mode,
    base: choices.base,
    ...recipeFieldsOf(s),
    outputDir: target.runsDir,
    name: target.name,
  };
  // Mode source has no base to fine-tune.
  if (target.mode === 'source') return { ...recipe, secondPhase: undefined };
  if (base && choices.featureLayer) recipe.freeze = freezeSpecOf(choices.featureLayer, choices.frozen);
  if (s.secondPhase === true && base) {
    const from = topBlockStart(keptLayers(base.layers, choices.featureLayer || base.defaultFeatureLayer));
    if (from) recipe.secondPhase = secondPhaseOf(s, from);
  }
  return recipe;
}

/** First layer of the last block before the cut: the usual second-phase start (the top block unfreezes). */
export function topBlockStart(kept: readonly LayerInfo[]): string | undefined {
  const withWeights = kept.filter((l) => l.hasWeights);
  if (withWeights.length === 0) return undefined;
  const lastBlock = [...kept].reverse().find((l) => /\d/.test(l.block))?.block;
  const first = lastBlock ? kept.find((l) => l.block === lastBlock) : undefined;
  return first?.name ?? withWeights[Math.floor(withWeights.length * 0.8)].name;
}
