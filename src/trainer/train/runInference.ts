// Using a saved run: evaluate it on a class folder, or classify single images.
import path from 'node:path';
import type { Evaluation, Prediction, PredictionFailure, ProgressEvent } from '../../shared/engineTypes';
import { LIMITS } from '../../shared/limits';
import { SkipList, decodeBatch } from '../data/batchStream';
import { scanDataset } from '../data/datasetScanner';
import type { Sample } from '../../shared/split';
import { EngineError, type CancelSignal } from '../../shared/engineError';
import { loadLayersModelFromFile } from '../models/modelFiles';
import * as tf from '../tf';
import { evaluatePredictions } from './evaluation';
import { scoreImages } from './predictions';
import { readRunInfo, type RunInfo } from './runFolder';

async function loadRun(runDir: string): Promise<{ info: RunInfo; model: tf.LayersModel }> {
  const info = readRunInfo(runDir);
  if (info.status !== 'finished')
    throw new EngineError(
      `Run ${runDir} did not finish (status: ${info.status}); its model is in ${path.join(runDir, 'checkpoint')}.`,
    );
  return { info, model: await loadLayersModelFromFile(path.join(runDir, 'model.json')) };
}

export async function evaluateRun(
  runDir: string,
  folder: string,
  signal: CancelSignal,
  emit: (e: ProgressEvent) => void,
): Promise<Evaluation> {
  const { info, model } = await loadRun(runDir);
  try {
    const scan = await scanDataset(folder);
    const unknown = scan.classes.filter((c) => c.files.length > 0 && !info.classes.includes(c.name));
    if (unknown.length > 0) {
      throw new EngineError(
        `Class folder(s) ${unknown.map((c) => `"${c.name}"`).join(', ')} are not classes of this run (${info.classes.join(', ')}).`,
      );
    }
    const samples: Sample[] = scan.classes.flatMap((c) =>
      c.files.map((f) => ({ path: f, label: info.classes.indexOf(c.name) })),
    );
    if (samples.length === 0) throw new EngineError(`No images to evaluate in ${folder}.`);
    emit({ kind: 'stage', stage: 'evaluating', total: samples.length });
    const skips = new SkipList();
    const scored = await scoreImages(
      model,
      samples,
      info.preprocessing,
      info.classes.length,
      inferenceBatch(info),
      skips,
      signal,
    );
    skips.entries.forEach((s) => emit({ kind: 'log', level: 'warn', message: `Skipped ${s.path}: ${s.reason}` }));
    return evaluatePredictions(info.classes, scored);
  } finally {
    model.dispose();
  }
}

/**
 * One outcome per image, in the order given: a prediction, or why the image could not be read. Images are
 * decoded inferenceBatch() at a time, so memory stays bounded however many are asked for.
 */
export async function predictEach(runDir: string, images: string[]): Promise<(Prediction | PredictionFailure)[]> {
  const { info, model } = await loadRun(runDir);
  try {
    const outcomes: (Prediction | PredictionFailure)[] = [];
    const step = inferenceBatch(info);
    for (let start = 0; start < images.length; start += step) {
      outcomes.push(...(await predictBatch(info, model, images.slice(start, start + step))));
    }
    return outcomes;
  } finally {
    model.dispose();
  }
}

async function predictBatch(
  info: RunInfo,
  model: tf.LayersModel,
  images: string[],
): Promise<(Prediction | PredictionFailure)[]> {
  const skips = new SkipList();
  const batch = await decodeBatch(
    images.map((p) => ({ path: path.resolve(p), label: 0 })),
    info.preprocessing,
    skips,
  );
  const byPath = new Map<string, Prediction>();
  if (batch.samples.length > 0) {
    const [h, w] = info.preprocessing.size;
    const probs = tf.tidy(
      () =>
        model.predict(
          tf.tensor4d(batch.pixels, [batch.samples.length, h, w, info.preprocessing.channels]),
        ) as tf.Tensor,
    );
    const data = await probs.data();
    probs.dispose();
    const k = info.classes.length;
    batch.samples.forEach((s, i) => {
      const row = Array.from(data.subarray(i * k, (i + 1) * k));
      const best = row.indexOf(Math.max(...row));
      byPath.set(s.path, {
        path: s.path,
        label: info.classes[best],
        confidence: row[best],
        scores: Object.fromEntries(info.classes.map((c, j) => [c, row[j]])),
      });
    });
  }
  const reasons = new Map(skips.entries.map((e) => [e.path, e.reason]));
  return images.map((p) => {
    const full = path.resolve(p);
    return byPath.get(full) ?? { path: full, error: reasons.get(full) ?? 'could not be read' };
  });
}

/** Images per inference batch: up to 32, fewer when large inputs would pass the per-batch byte limit. */
function inferenceBatch(info: RunInfo): number {
  const [h, w] = info.preprocessing.size;
  return Math.max(1, Math.min(32, Math.floor(LIMITS.maxBatchInputBytes / (h * w * info.preprocessing.channels * 4))));
}
