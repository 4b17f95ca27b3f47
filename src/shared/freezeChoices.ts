// The freeze operations the Layers view, the panel and the recipe offer, as pure functions over the layer
// list: one implementation, so "freeze up to here" means the same thing wherever it is clicked.
import type { FreezeSpec, LayerInfo } from './engineTypes';

/** Layers the cut keeps: the base up to and including the feature layer. */
export function keptLayers(layers: readonly LayerInfo[], featureLayer: string): readonly LayerInfo[] {
  const cut = layers.findIndex((l) => l.name === featureLayer);
  return cut < 0 ? layers : layers.slice(0, cut + 1);
}

/** The classic start: every kept layer with weights is frozen, only the new head trains. */
export function allFrozen(layers: readonly LayerInfo[], featureLayer: string): string[] {
  return keptLayers(layers, featureLayer).filter((l) => l.hasWeights).map((l) => l.name);
}

export function setTrainable(frozen: readonly string[], layer: string, trainable: boolean): string[] {
  const rest = frozen.filter((n) => n !== layer);
  return trainable ? rest : [...rest, layer];
}

/** Freezes every kept layer with weights up to and including `layer`; the later kept layers train. */
export function freezeUpTo(layers: readonly LayerInfo[], featureLayer: string, layer: string): string[] {
  const kept = keptLayers(layers, featureLayer);
  const i = kept.findIndex((l) => l.name === layer);
  return kept.filter((l, j) => l.hasWeights && j <= i).map((l) => l.name);
}

/** Makes `layer` and every later kept layer trainable; earlier layers keep their state. */
export function unfreezeFrom(layers: readonly LayerInfo[], frozen: readonly string[], layer: string): string[] {
  const i = layers.findIndex((l) => l.name === layer);
  if (i < 0) return [...frozen];
  const later = new Set(layers.slice(i).map((l) => l.name));
  return frozen.filter((n) => !later.has(n));
}

/** Moving the cut drops frozen names the cut removes. */
export function frozenWithinCut(layers: readonly LayerInfo[], featureLayer: string, frozen: readonly string[]): string[] {
  const kept = new Set(keptLayers(layers, featureLayer).map((l) => l.name));
  return frozen.filter((n) => kept.has(n));
}

/** Parameters of the kept base that will train and that stay fixed (the new head is not counted). */
export function parameterTotals(layers: readonly LayerInfo[], featureLayer: string, frozen: readonly string[]): { trainable: number; frozen: number } {
  const isFrozen = new Set(frozen);
  let trainable = 0;
  let fixed = 0;
  for (const l of keptLayers(layers, featureLayer)) {
    // BatchNorm moving statistics never train; they count as fixed either way.
    fixed += l.nonTrainableParams;
    if (isFrozen.has(l.name)) fixed += l.trainableParams;
    else trainable += l.trainableParams;
  }
  return { trainable, frozen: fixed };
}

/** The recipe form of the choices: an explicit frozen list is exact and diffable. */
export function freezeSpecOf(featureLayer: string, frozen: readonly string[]): FreezeSpec {
  return { featureLayer, frozen: [...frozen] };
}
