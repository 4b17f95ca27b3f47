// Feature extraction, the "traditional" route: the embeddings of any layer for every image, exported as
// CSV and .npy for other tools, plus a light classifier fitted on them to show how separable they are.
import type { EmbedResult, ProgressEvent } from '../../shared/engineTypes';
import type { EmbedParams } from '../../shared/trainerProtocol';
import { scanDataset, trainableClasses } from '../data/datasetScanner';
import type { Sample } from '../../shared/split';
import type { CancelSignal } from '../../shared/engineError';
import { withBaseAtCut } from '../models/baseAtCut';
import { featuresAtBase } from '../train/baseFeatures';
import { writeEmbedded } from './embeddingOutput';

export async function embedFolder(
  p: EmbedParams,
  signal: CancelSignal,
  emit: (e: ProgressEvent) => void,
): Promise<EmbedResult> {
  const scan = await scanDataset(p.folder);
  const classes = trainableClasses(scan, 1);
  const samples: Sample[] = classes.flatMap((c, label) => c.files.map((f) => ({ path: f, label })));
  // Spatial outputs are averaged over height and width: one vector per image, as Keras' pooling='avg'.
  const choice = { freeze: { featureLayer: p.layer }, classes: classes.length, seed: p.seed };
  return withBaseAtCut(p.base, p.cacheDir, choice, async (opened) => {
    const { plan, model: tm } = opened;
    const { features } = await featuresAtBase(opened, samples, { cacheDir: p.cacheDir, signal, emit });
    const embedded = {
      classes: classes.map((c) => ({ name: c.name, files: c.files })),
      vectors: features,
      dims: tm.featureShape.reduce((a, b) => a * b, 1),
      about: { base: p.base, pooling: tm.pooling },
    };
    return writeEmbedded(embedded, p, plan.featureLayer);
  });
}
