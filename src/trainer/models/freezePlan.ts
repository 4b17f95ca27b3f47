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
  const names = layers.map((l) => l.name);
  for (const entry of explicit) {
    const { layers: matched, problem } = expandFrozenEntry(names, cut, entry);
    if (problem?.kind === 'noMatch') throw new EngineError(`The frozen pattern "${entry}" matches no layer of the base.`);
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
  | { kind: 'name'; layer: string }
  | { kind: 'upTo'; layer: string }
  | { kind: 'glob'; pattern: RegExp };

export function parseFrozenEntry(entry: string): FrozenEntry {
  const text = entry.trim();
  const upTo = /^up\s+to\s+(.+)$/i.exec(text);
  if (upTo) return { kind: 'upTo', layer: upTo[1].trim() };
  if (/[*?]/.test(text)) {
    const source = text.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
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
export function expandFrozenEntry(names: readonly string[], cut: number, entry: string): { layers: string[]; problem?: FrozenEntryProblem } {
  const parsed = parseFrozenEntry(entry);
  if (parsed.kind === 'glob') {
    const all = names.map((n, i) => [n, i] as const).filter(([n]) => parsed.pattern.test(n));
    if (all.length === 0) return { layers: [], problem: { kind: 'noMatch' } };
    const kept = all.filter(([, i]) => i <= cut).map(([n]) => n);
    return kept.length ? { layers: kept } : { layers: [], problem: { kind: 'afterCut', layer: all[0][0], role: `first match of the pattern "${entry.trim()}",` } };
  }
  const role = parsed.kind === 'upTo' ? 'freeze-up-to layer' : 'frozen layer';
  const i = names.indexOf(parsed.layer);
  if (i < 0) return { layers: [], problem: { kind: 'unknown', layer: parsed.layer, role, suggestion: closestName(parsed.layer, names) } };
  if (i > cut) return { layers: [], problem: { kind: 'afterCut', layer: parsed.layer, role } };
  return { layers: parsed.kind === 'upTo' ? names.slice(0, i + 1) : [parsed.layer] };
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
