// The features of a folder's images at an opened base's cut, as embed, Check Data and Compare Bases read
// them: 32 images per batch (refused up front when a batch would not fit), cached, skipped files logged.
import type { ProgressEvent } from '../../shared/engineTypes';
import type { CancelSignal } from '../../shared/engineError';
import { imageInput } from '../../shared/inputSpec';
import type { Sample } from '../../shared/split';
import { SkipList } from '../data/batchStream';
import { imageKind } from '../data/kinds/image';
import type { BaseAtCut } from '../models/baseAtCut';
import { baseCut, featuresAtCut } from './featureCache';
import { checkBatchBytes } from './runFileChecks';

const BATCH = 32;

export async function featuresAtBase(
  { base, plan, model }: BaseAtCut,
  samples: readonly Sample[],
  o: { cacheDir: string; signal: CancelSignal; emit: (e: ProgressEvent) => void },
) {
  checkBatchBytes(imageKind, imageInput(base.description.preprocessing), BATCH, base.description.title);
  const skips = new SkipList();
  const cut = baseCut(base, model.features, plan.featureLayer, model.pooling);
  const found = await featuresAtCut(cut, { ...o, samples, batchSize: BATCH, skips });
  skips.entries.forEach((s) => o.emit({ kind: 'log', level: 'warn', message: `Skipped ${s.path}: ${s.reason}` }));
  return found;
}
