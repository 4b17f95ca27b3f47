// A base opened at a cut with a head on top, for as long as one piece of work uses it: whatever it opened
// (the base's model and the transfer model's three graphs) is disposed when that work ends or fails.
import type { FreezeSpec, HeadSpec } from '../../shared/engineTypes';
import { resolveFreezePlan, type FreezePlan } from '../../shared/freezePlan';
import { loadBase, type BaseModel } from './baseModel';
import { disposeModels } from './disposeModels';
import { buildTransferModel, type TransferModel } from './transferModel';

export interface BaseAtCut {
  base: BaseModel;
  plan: FreezePlan;
  model: TransferModel;
}

export interface CutChoice {
  /** Default: everything up to the base's default feature layer frozen. */
  freeze?: FreezeSpec;
  /** Default: average pooling straight into the classes (a linear head). */
  head?: HeadSpec;
  /** The feature layer when the freeze names none (default: the base's own). */
  defaultLayer?: string;
  classes: number;
  seed: number;
}

/** Loads `spec`, cuts it as `choice` says, runs `use` on it, and disposes every model it opened. */
export async function withBaseAtCut<T>(
  spec: string,
  cacheDir: string,
  choice: CutChoice,
  use: (opened: BaseAtCut) => Promise<T>,
): Promise<T> {
  const base = await loadBase(spec, cacheDir);
  let model: TransferModel | undefined;
  try {
    const { layers, defaultFeatureLayer } = base.description;
    const plan = resolveFreezePlan(layers, choice.freeze ?? {}, choice.defaultLayer ?? defaultFeatureLayer);
    model = buildTransferModel(base.model, plan, choice.head ?? { pooling: 'avg' }, choice.classes, choice.seed);
    return await use({ base, plan, model });
  } finally {
    disposeModels(model ? [model.head, model.features, model.full, base.model] : [base.model]);
  }
}
