// Feature extraction, the "traditional" route: the embeddings of any layer for every image, exported as
// CSV and .npy for other tools, plus a light classifier fitted on them to show how separable they are.
import fs from 'node:fs';
import path from 'node:path';
import type { EmbedResult, ProgressEvent } from '../../shared/engineTypes';
import type { EmbedParams } from '../../shared/trainerProtocol';
import { scanDataset, trainableClasses } from '../data/datasetScanner';
import { stratifiedSplit, type Sample } from '../../shared/split';
import type { CancelSignal } from '../../shared/engineError';
import { writeJsonAtomic } from '../models/modelFiles';
import { withBaseAtCut } from '../models/baseAtCut';
import { featuresAtBase } from '../train/baseFeatures';
import { writeEmbeddingCsv } from './embeddingCsv';
import { accuracy, KnnClassifier, LogisticRegression } from './lightClassifier';
import { matrixFromRows, writeNpy } from './npy';

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
    const kept = samples.filter((s) => features.has(s.path));
    fs.mkdirSync(p.outDir, { recursive: true });
    const csvPath = path.join(p.outDir, 'embeddings.csv');
    const npyPath = path.join(p.outDir, 'embeddings.npy');
    const rows = kept.map((s) => features.get(s.path)!);
    await writeEmbeddingCsv(
      csvPath,
      kept.map((s, i) => ({ path: s.path, label: classes[s.label].name, features: rows[i] })),
    );
    await writeNpy(
      npyPath,
      matrixFromRows(
        rows,
        tm.featureShape.reduce((a, b) => a * b, 1),
      ),
    );
    writeJsonAtomic(path.join(p.outDir, 'embeddings.json'), {
      base: p.base,
      layer: plan.featureLayer,
      pooling: tm.pooling,
      classes: classes.map((c) => c.name),
      rows: kept.map((s) => ({ path: s.path, label: classes[s.label].name })),
    });
    const result: EmbedResult = {
      layer: plan.featureLayer,
      dims: rows[0]?.length ?? 0,
      count: rows.length,
      csvPath,
      npyPath,
    };
    if (p.classifier !== 'none') {
      const split = stratifiedSplit(
        classes.map((c) => ({ ...c, files: c.files.filter((f) => features.has(f)) })),
        { validationSplit: 0.3, testSplit: 0, seed: p.seed },
      );
      const model = p.classifier === 'knn' ? new KnnClassifier({ k: 5 }) : new LogisticRegression({ seed: p.seed });
      model.fit(
        split.train.map((s) => features.get(s.path)!),
        split.train.map((s) => s.label),
        classes.length,
      );
      const held = split.validation;
      result.classifier = {
        kind: p.classifier,
        accuracy: accuracy(
          model,
          held.map((s) => features.get(s.path)!),
          held.map((s) => s.label),
        ),
        evaluatedOn: held.length,
      };
    }
    return result;
  });
}
