// Decides which layers of a base are kept (up to the feature layer) and which of those train.
// Pure logic over layer descriptions, so the language server and the UI can use it without tfjs.
import type { FreezeSpec, LayerInfo } from '../../shared/engineTypes';
import { EngineError } from '../engineError';

export interface FreezePlan {
  featureLayer: string;
  /** Layers of the base that stay in the model, in order (the cut drops the rest). */
  kept: string[];
  frozen: Set<string>;
  /** Every kept layer with weights is frozen: the base is a fixed feature extractor and can be cached. */
  baseFullyFrozen: boolean;
}

export function resolveFreezePlan(layers: readonly LayerInfo[], spec: FreezeSpec, defaultFeatureLayer: string): FreezePlan {
  const featureLayer = spec.featureLayer ?? defaultFeatureLayer;
  const cut = indexOf(layers, featureLayer, 'feature layer');
  const kept = layers.slice(0, cut + 1);
  const inKept = (name: string, role: string) => {
    const i = indexOf(layers, name, role);
    if (i > cut) throw new EngineError(`The ${role} "${name}" comes after the feature layer "${featureLayer}", so the cut removes it; pick a layer at or before the cut.`);
    return i;
  };
  const frozen = new Set<string>();
  const explicit = spec.frozen ?? [];
  if (spec.freezeUpTo !== undefined) {
    const upTo = inKept(spec.freezeUpTo, 'freeze-up-to layer');
    kept.slice(0, upTo + 1).forEach((l) => frozen.add(l.name));
  }
  for (const name of explicit) {
    inKept(name, 'frozen layer');
    frozen.add(name);
  }
  // With nothing said, the classic recipe: the whole base is a frozen feature extractor.
  if (spec.freezeUpTo === undefined && spec.frozen === undefined) kept.forEach((l) => frozen.add(l.name));
  const baseFullyFrozen = kept.every((l) => !l.hasWeights || frozen.has(l.name));
  return { featureLayer, kept: kept.map((l) => l.name), frozen, baseFullyFrozen };
}

/** The plan of the second phase: layers from `unfreezeFrom` up to the cut train as well. */
export function unfreezeFrom(plan: FreezePlan, layers: readonly LayerInfo[], name: string): FreezePlan {
  const from = indexOf(layers, name, 'second-phase layer');
  const frozen = new Set([...plan.frozen].filter((n) => plan.kept.indexOf(n) < from));
  if (!plan.kept.includes(name)) throw new EngineError(`The second phase unfreezes from "${name}", which the cut at "${plan.featureLayer}" removes.`);
  return { ...plan, frozen, baseFullyFrozen: false };
}

function indexOf(layers: readonly LayerInfo[], name: string, role: string): number {
  const i = layers.findIndex((l) => l.name === name);
  if (i < 0) {
    const guess = closestName(name, layers.map((l) => l.name));
    throw new EngineError(`Unknown ${role} "${name}"${guess ? `; did you mean "${guess}"?` : '.'} List the layers with: transfer-studio layers <base>.`);
  }
  return i;
}

/** The most similar name, if it is similar enough to be a plausible typo. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
