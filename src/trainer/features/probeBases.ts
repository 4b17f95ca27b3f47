// "Compare Bases": the cheap evidence for choosing a source model. For each candidate base, cached features at
// its default cut and a linear probe (logistic regression) on the training split, scored on the validation
// split; plus what the base costs (time per image, parameters, bytes).
import fs from 'node:fs';
import path from 'node:path';
import { BUILTIN_BASES } from '../../shared/builtinBases';
import type { ProgressEvent } from '../../shared/engineTypes';
import {
  accuracyWithInterval,
  probeAccuracy,
  recommendBase,
  type ProbeResult,
  type ProbeRow,
} from '../../shared/probeRules';
import type { ProbeParams } from '../../shared/trainerProtocol';
import { imageInput, type KindInput } from '../../shared/inputSpec';
import { SkipList } from '../data/batchStream';
import { dataKind } from '../data/kinds/registry';
import { scanDataset, trainableClasses } from '../data/datasetScanner';
import { stratifiedSplit, type Sample } from '../../shared/split';
import { EngineError, type CancelSignal } from '../../shared/engineError';
import { withBaseAtCut } from '../models/baseAtCut';
import { startFrozenRunner } from '../runtime/frozenRuntime';
import { featuresAtBase } from '../train/baseFeatures';
import * as tf from '../tf';
import { LogisticRegression } from './lightClassifier';

/** More candidates than this is a typo or a script gone wrong, not a comparison. */
export const MAX_PROBE_BASES = 16;

export async function probeBases(
  p: ProbeParams,
  signal: CancelSignal,
  emit: (e: ProgressEvent) => void,
): Promise<ProbeResult> {
  const bases = p.bases?.length ? p.bases : [...BUILTIN_BASES];
  if (bases.length > MAX_PROBE_BASES)
    throw new EngineError(`probe takes at most ${MAX_PROBE_BASES} bases (got ${bases.length}).`);
  const scan = await scanDataset(p.folder);
  const classes = trainableClasses(scan, 2);
  const split = stratifiedSplit(classes, { validationSplit: p.validationSplit, testSplit: 0, seed: p.seed });
  const rows: ProbeRow[] = [];
  for (const spec of bases) {
    emit({ kind: 'stage', stage: 'loading-base', message: spec });
    try {
      rows.push(await probeOne(spec, p, split, classes.length, signal, emit));
    } catch (e) {
      if (signal.isCancellationRequested) throw e;
      const error = (e as Error).message.split('\n')[0];
      emit({ kind: 'log', level: 'warn', message: `Probe of ${spec} failed: ${error}` });
      rows.push({
        base: spec,
        title: spec,
        featureLayer: '',
        accuracy: 0,
        interval: [0, 1],
        validationImages: 0,
        correct: [],
        secondsPerImage: 0,
        extractionSeconds: 0,
        params: 0,
        bytes: 0,
        error,
      });
    }
  }
  return {
    folder: scan.root,
    classes: classes.map((c) => c.name),
    split: { train: split.train.length, validation: split.validation.length },
    rows,
    ...recommendBase(rows),
  };
}

async function probeOne(
  spec: string,
  p: ProbeParams,
  split: { train: Sample[]; validation: Sample[] },
  classes: number,
  signal: CancelSignal,
  emit: (e: ProgressEvent) => void,
): Promise<ProbeRow> {
  return withBaseAtCut(spec, p.cacheDir, { classes, seed: p.seed }, async (opened) => {
    const { base, plan, model: tm } = opened;
    const input = imageInput(base.description.preprocessing);
    const samples = [...split.train, ...split.validation];
    const secondsPerImage = await timeOneBatch(tm.features, samples.slice(0, 8), input, new SkipList());
    const started = Date.now();
    const { features, misses } = await featuresAtBase(opened, samples, { cacheDir: p.cacheDir, signal, emit });
    const extractionSeconds = misses ? (Date.now() - started) / 1000 : 0;
    const train = split.train.filter((s) => features.has(s.path));
    const model = new LogisticRegression({ seed: p.seed });
    model.fit(
      train.map((s) => features.get(s.path)!),
      train.map((s) => s.label),
      classes,
    );
    // In the split's order, the same for every base, so bases can be compared image by image.
    const correct = split.validation.map((s) => {
      const f = features.get(s.path);
      return f ? model.predict(f).label === s.label : null;
    });
    const scored = probeAccuracy(correct);
    emit({ kind: 'log', level: 'info', message: `${spec}: linear probe ${accuracyWithInterval(scored)}` });
    return {
      base: spec,
      title: base.description.title,
      featureLayer: plan.featureLayer,
      ...scored,
      correct,
      secondsPerImage,
      extractionSeconds,
      params: base.description.totalParams,
      bytes: weightBytes(base.resolved.modelJsonPath),
    };
  });
}

/** Seconds per image through the base up to the cut, on one real batch (after a warm-up call), on the runtime
 * that computes the cached features (frozenRuntime.ts). */
async function timeOneBatch(
  model: tf.LayersModel,
  samples: Sample[],
  input: KindInput,
  skips: SkipList,
): Promise<number> {
  const batch = await dataKind(input).decode(samples, input, skips);
  const n = batch.samples.length;
  if (n === 0) return 0;
  const frozen = await startFrozenRunner(model);
  try {
    await frozen.run(batch.inputs);
    const t0 = Date.now();
    await frozen.run(batch.inputs);
    return (Date.now() - t0) / 1000 / n;
  } finally {
    await frozen.dispose();
  }
}

/** Bytes of model.json and the weight files beside it. */
function weightBytes(modelJsonPath: string): number {
  const dir = path.dirname(modelJsonPath);
  try {
    const manifest = JSON.parse(fs.readFileSync(modelJsonPath, 'utf8')) as { weightsManifest?: { paths: string[] }[] };
    const files = [
      modelJsonPath,
      ...(manifest.weightsManifest ?? []).flatMap((g) => g.paths.map((f) => path.join(dir, f))),
    ];
    return files.reduce((sum, f) => sum + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
  } catch {
    return fs.existsSync(modelJsonPath) ? fs.statSync(modelJsonPath).size : 0;
  }
}
