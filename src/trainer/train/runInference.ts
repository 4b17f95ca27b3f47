// Using a saved run: evaluate it on a class folder, or classify single examples, through the module of
// the run's kind of input (images today).
import path from 'node:path';
import type { Prediction, PredictionFailure, ProgressEvent } from '../../shared/engineTypes';
import type { Evaluation } from '../../shared/evaluationTypes';
import type { InputSpec, KindInput } from '../../shared/inputSpec';
import { LIMITS } from '../../shared/limits';
import { SkipList } from '../data/batchStream';
import type { DataKind } from '../data/kinds/dataKind';
import { dataKind } from '../data/kinds/registry';
import { inputTensors, modelInput } from '../data/kinds/tensors';
import type { Sample } from '../../shared/split';
import { EngineError, type CancelSignal } from '../../shared/engineError';
import { loadLayersModelFromFile } from '../models/modelFiles';
import * as tf from '../tf';
import { evaluatePredictions } from './evaluation';
import { scoreExamples } from './predictions';
import { readRunInfo, type RunInfo } from './runFolder';

interface LoadedRun {
  info: RunInfo;
  /** The module of the run's kind of input, which reads and decodes its examples. */
  kind: DataKind<InputSpec>;
  model: tf.LayersModel;
}

async function loadRun(runDir: string): Promise<LoadedRun> {
  const info = readRunInfo(runDir);
  if (info.status !== 'finished')
    throw new EngineError(
      `Run ${runDir} did not finish (status: ${info.status}); its model is in ${path.join(runDir, 'checkpoint')}.`,
    );
  const kind = dataKind(info.input);
  return { info, kind, model: await loadLayersModelFromFile(path.join(runDir, 'model.json')) };
}

export async function evaluateRun(
  runDir: string,
  folder: string,
  signal: CancelSignal,
  emit: (e: ProgressEvent) => void,
): Promise<Evaluation> {
  const { info, kind, model } = await loadRun(runDir);
  try {
    const scan = await kind.list(folder);
    const unknown = scan.classes.filter((c) => c.files.length > 0 && !info.classes.includes(c.name));
    if (unknown.length > 0) {
      throw new EngineError(
        `Class folder(s) ${unknown.map((c) => `"${c.name}"`).join(', ')} are not classes of this run (${info.classes.join(', ')}).`,
      );
    }
    const samples: Sample[] = scan.classes.flatMap((c) => {
      const label = info.classes.indexOf(c.name);
      return c.files.map((f, i) => (c.texts ? { path: f, label, text: c.texts[i] } : { path: f, label }));
    });
    if (samples.length === 0) throw new EngineError(`No ${kind.noun} to evaluate in ${folder}.`);
    emit({ kind: 'stage', stage: 'evaluating', total: samples.length });
    const skips = new SkipList();
    const batch = inferenceBatch(kind, info.input);
    const scored = await scoreExamples(model, kind, info.input, samples, info.classes.length, batch, skips, signal);
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
  const run = await loadRun(runDir);
  try {
    const outcomes: (Prediction | PredictionFailure)[] = [];
    const step = inferenceBatch(run.kind, run.info.input);
    for (let start = 0; start < images.length; start += step) {
      outcomes.push(...(await predictBatch(run, images.slice(start, start + step))));
    }
    return outcomes;
  } finally {
    run.model.dispose();
  }
}

async function predictBatch(
  { info, kind, model }: LoadedRun,
  images: string[],
): Promise<(Prediction | PredictionFailure)[]> {
  const skips = new SkipList();
  const batch = await kind.decode(
    images.map((p) => ({ path: path.resolve(p), label: 0 })),
    info.input,
    skips,
  );
  const byPath = new Map<string, Prediction>();
  if (batch.samples.length > 0) {
    const probs = tf.tidy(() => model.predict(modelInput(inputTensors(batch.inputs))) as tf.Tensor);
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

/** Examples per inference batch: up to 32, fewer when large inputs would pass the per-batch byte limit. */
function inferenceBatch<I extends KindInput>(kind: DataKind<I>, input: I): number {
  return Math.max(1, Math.min(32, Math.floor(LIMITS.maxBatchInputBytes / kind.batchBytes(input, 1))));
}
