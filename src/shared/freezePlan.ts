// Decides which layers of a base are kept (up to the feature layer) and which of those train: the engine's
// plan, and the freeze operations the Layers view, the panel and the recipe offer. One implementation over
// layer descriptions (no tfjs), so "freeze up to here" means the same thing in the trainer, the language
// server and every view, and a layer the cut removes or a name the base lacks is refused the same way.
import { EngineError } from './engineError';
import type { FreezeSpec, LayerInfo } from './engineTypes';
import { closestName } from './nameDistance';

export interface FreezePlan {
  featureLayer: string;
  /** Layers of the base that stay in the model, in order (the cut drops the rest). */
  kept: string[];
  frozen: Set<string>;
  /** Every kept layer with weights is frozen: the base is a fixed feature extractor and can be cached. */
  baseFullyFrozen: boolean;
}

export function resolveFreezePlan(
  layers: readonly LayerInfo[],
  spec: FreezeSpec,
  defaultFeatureLayer: string,
): FreezePlan {
  const featureLayer = spec.featureLayer ?? defaultFeatureLayer;
  const cut = indexOf(layers, featureLayer, 'feature layer');
  const kept = layers.slice(0, cut + 1);
  const inKept = (name: string, role: string) => indexWithinCut(layers, featureLayer, name, role);
  const frozen = new Set<string>();
  const explicit = spec.frozen ?? [];
  if (spec.freezeUpTo !== undefined) {
    const upTo = inKept(spec.freezeUpTo, 'freeze-up-to layer');
    kept.slice(0, upTo + 1).forEach((l) => frozen.add(l.name));
  }
  const names = layers.map((l) => l.name);
  for (const entry of explicit) {
    const { layers: matched, problem } = expandFrozenEntry(names, cut, entry);
    if (problem?.kind === 'noMatch')
      throw new EngineError(`The frozen pattern "${entry}" matches no layer of the base.`);
    // Unknown names and names past the cut get the same did-you-mean and cut messages as the other roles.
    if (problem) inKept(problem.layer, problem.role);
    matched.forEach((n) => frozen.add(n));
  }
  // With nothing said, the classic recipe: the whole base is a frozen feature extractor.
  if (spec.freezeUpTo === undefined && spec.frozen === undefined) kept.forEach((l) => frozen.add(l.name));
  const baseFullyFrozen = kept.every((l) => !l.hasWeights || frozen.has(l.name));
  return { featureLayer, kept: kept.map((l) => l.name), frozen, baseFullyFrozen };
}

/** One entry of a recipe's frozen list: a layer name, "up to <layer>", or a glob pattern (* and ?). */
export type FrozenEntry =
  { kind: 'name'; layer: string } | { kind: 'upTo'; layer: string } | { kind: 'glob'; pattern: RegExp };

export function parseFrozenEntry(entry: string): FrozenEntry {
  const text = entry.trim();
  const upTo = /^up\s+to\s+(.+)$/i.exec(text);
  if (upTo) return { kind: 'upTo', layer: upTo[1].trim() };
  if (/[*?]/.test(text)) {
    const source = text
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    return { kind: 'glob', pattern: new RegExp(`^${source}$`) };
  }
  return { kind: 'name', layer: text };
}

/** Why an entry of the frozen list cannot be applied, for an error message or an editor diagnostic. */
export type FrozenEntryProblem =
  | { kind: 'unknown'; layer: string; role: string; suggestion?: string }
  | { kind: 'afterCut'; layer: string; role: string }
  | { kind: 'noMatch' };

/**
 * The layers one frozen-list entry freezes, given the base's layer names in order and the index of the
 * feature layer (the cut). Pure, so the language server checks entries as the user types. A glob freezes
 * its matches within the cut; matches only beyond the cut contradict the feature layer.
 */
export function expandFrozenEntry(
  names: readonly string[],
  cut: number,
  entry: string,
): { layers: string[]; problem?: FrozenEntryProblem } {
  const parsed = parseFrozenEntry(entry);
  if (parsed.kind === 'glob') {
    const all = names.map((n, i) => [n, i] as const).filter(([n]) => parsed.pattern.test(n));
    if (all.length === 0) return { layers: [], problem: { kind: 'noMatch' } };
    const kept = all.filter(([, i]) => i <= cut).map(([n]) => n);
    return kept.length
      ? { layers: kept }
      : {
          layers: [],
          problem: { kind: 'afterCut', layer: all[0][0], role: `first match of the pattern "${entry.trim()}",` },
        };
  }
  const role = parsed.kind === 'upTo' ? 'freeze-up-to layer' : 'frozen layer';
  const i = names.indexOf(parsed.layer);
  if (i < 0)
    return {
      layers: [],
      problem: { kind: 'unknown', layer: parsed.layer, role, suggestion: closestName(parsed.layer, names) },
    };
  if (i > cut) return { layers: [], problem: { kind: 'afterCut', layer: parsed.layer, role } };
  return { layers: parsed.kind === 'upTo' ? names.slice(0, i + 1) : [parsed.layer] };
}

/** The plan of the second phase: layers from `layer` up to the cut train as well. */
export function secondPhasePlan(plan: FreezePlan, layers: readonly LayerInfo[], layer: string): FreezePlan {
  const frozen = unfreezeFrom(layers, plan.featureLayer, [...plan.frozen], layer, 'second-phase layer');
  return { ...plan, frozen: new Set(frozen), baseFullyFrozen: false };
}

/** Layers the cut keeps: the base up to and including the feature layer, which must be one of its layers. */
export function keptLayers(layers: readonly LayerInfo[], featureLayer: string): readonly LayerInfo[] {
  return layers.slice(0, indexOf(layers, featureLayer, 'feature layer') + 1);
}

/** The classic start: every kept layer with weights is frozen, only the new head trains. */
export function allFrozen(layers: readonly LayerInfo[], featureLayer: string): string[] {
  return keptLayers(layers, featureLayer)
    .filter((l) => l.hasWeights)
    .map((l) => l.name);
}

export function setTrainable(frozen: readonly string[], layer: string, trainable: boolean): string[] {
  const rest = frozen.filter((n) => n !== layer);
  return trainable ? rest : [...rest, layer];
}

/** Freezes every kept layer with weights up to and including `layer`; the later kept layers train. */
export function freezeUpTo(layers: readonly LayerInfo[], featureLayer: string, layer: string): string[] {
  const i = indexWithinCut(layers, featureLayer, layer, 'freeze-up-to layer');
  return layers
    .slice(0, i + 1)
    .filter((l) => l.hasWeights)
    .map((l) => l.name);
}

/**
 * Makes `layer` and every later kept layer trainable; earlier layers keep their state. The layer must be
 * kept by the cut: unfreezing from a removed layer would silently train nothing.
 */
export function unfreezeFrom(
  layers: readonly LayerInfo[],
  featureLayer: string,
  frozen: readonly string[],
  layer: string,
  role = 'unfreeze-from layer',
): string[] {
  const from = indexWithinCut(layers, featureLayer, layer, role);
  const later = new Set(layers.slice(from).map((l) => l.name));
  return frozen.filter((n) => !later.has(n));
}

/** Moving the cut drops frozen names the cut removes. */
export function frozenWithinCut(
  layers: readonly LayerInfo[],
  featureLayer: string,
  frozen: readonly string[],
): string[] {
  const kept = new Set(keptLayers(layers, featureLayer).map((l) => l.name));
  return frozen.filter((n) => kept.has(n));
}

/** Whether the cut at `featureLayer` keeps `layer` (both must be layers of the base to say yes). */
export function isKept(layers: readonly LayerInfo[], featureLayer: string, layer: string): boolean {
  const cut = layers.findIndex((l) => l.name === featureLayer);
  const i = layers.findIndex((l) => l.name === layer);
  return cut >= 0 && i >= 0 && i <= cut;
}

/** Parameters of the kept base that will train and that stay fixed (the new head is not counted). */
export function parameterTotals(
  layers: readonly LayerInfo[],
  featureLayer: string,
  frozen: readonly string[],
): { trainable: number; frozen: number } {
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

/**
 * The freeze a run folder keeps: the cut and the exact frozen layers with weights, whatever defaults, "up to"
 * entries or globs the recipe used, so a diff of two runs shows what really differed.
 */
export function resolvedFreeze(layers: readonly LayerInfo[], plan: FreezePlan): FreezeSpec {
  const withWeights = new Set(layers.filter((l) => l.hasWeights).map((l) => l.name));
  return freezeSpecOf(
    plan.featureLayer,
    plan.kept.filter((n) => plan.frozen.has(n) && withWeights.has(n)),
  );
}

/** Index of `name` in the base, refused when the base lacks it or the cut at `featureLayer` removes it. */
function indexWithinCut(layers: readonly LayerInfo[], featureLayer: string, name: string, role: string): number {
  const cut = indexOf(layers, featureLayer, 'feature layer');
  const i = indexOf(layers, name, role);
  if (i > cut)
    throw new EngineError(
      `The ${role} "${name}" comes after the feature layer "${featureLayer}", so the cut removes it; pick a layer at or before the cut.`,
    );
  return i;
}

function indexOf(layers: readonly LayerInfo[], name: string, role: string): number {
  const i = layers.findIndex((l) => l.name === name);
  if (i < 0) {
    const guess = closestName(
      name,
      layers.map((l) => l.name),
    );
    throw new EngineError(
      `Unknown ${role} "${name}"${guess ? `; did you mean "${guess}"?` : '.'} List the layers with: transfer-studio layers <base>.`,
    );
  }
  return i;
}
