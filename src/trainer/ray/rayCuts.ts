// Where each phase of a Ray job splits into a frozen part, computed once per example into the cluster's cache,
// and the layers above it that train on the stored values: the same cuts, with the same cache key parts, as a
// local run (the feature layer's pooled output for the head, the tensor below the trainable top for a second
// phase; see runTraining.ts and cachedTop.ts). The job adds the runtime that computed the values to the key.
import type { Preprocessing } from '../../shared/engineTypes';
import type { FreezePlan } from '../../shared/freezePlan';
import { imageInput } from '../../shared/inputSpec';
import type { RayCut } from '../../shared/rayProtocol';
import { splitBelowTrainable } from '../models/frozenSplit';
import { applyFreezePlan, type TransferModel } from '../models/transferModel';
import { cacheKeyText } from '../train/featureCache';
import { valuesFitInMemory } from '../train/frozenParts';

interface CutFacts {
  /** The Keras (and TF.js) layer whose output is stored. */
  boundary: string;
  layer: string;
  pooling: string;
  shape: readonly (number | null)[];
}

/** The cut of the model's current trainable flags, or undefined when no single tensor separates the parts. */
function currentCut(tm: TransferModel, plan: FreezePlan, head: boolean): CutFacts | undefined {
  if (head && plan.baseFullyFrozen) {
    const boundary = tm.features.outputLayers[0].name;
    return { boundary, layer: plan.featureLayer, pooling: tm.pooling, shape: tm.features.outputs[0].shape };
  }
  const part = splitBelowTrainable(tm.full);
  if (!part) return undefined;
  return { boundary: part.boundary, layer: part.boundary, pooling: part.pooling, shape: part.top.inputs[0].shape };
}

/**
 * Each phase's cut under its freeze plan (phase 1's, then the second phase's, applied to `tm.full` in turn),
 * or undefined for a phase that trains on pixels: no single boundary tensor, or values that would not fit in
 * a worker's memory for `images` examples (the local limit).
 */
export function rayCuts(
  tm: TransferModel,
  plans: readonly FreezePlan[],
  ids: { baseKey: string; preprocessing: Preprocessing },
  images: number,
): (RayCut | undefined)[] {
  return plans.map((plan, i) => {
    applyFreezePlan(tm.full, plan);
    const cut = currentCut(tm, plan, i === 0);
    if (!cut) return undefined;
    if (!valuesFitInMemory(cut.shape.slice(1), images)) return undefined;
    // The local cache's key (featureCache.ts), so both name the same values.
    const input = imageInput(ids.preprocessing);
    const key = cacheKeyText({ baseKey: ids.baseKey, layer: cut.layer, pooling: cut.pooling, input });
    return { boundary: cut.boundary, key };
  });
}
