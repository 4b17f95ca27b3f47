// A text run: read and split the data, fit the candidates on the training split, keep the best on
// validation (auto) and compare it with the baselines on the held-out split, then save the run folder.
// Frozen features + a head, and GloVe fine-tuned with a sparse gradient: seconds, no tfjs.
import path from 'node:path';
import type { Prediction, ProgressEvent } from '../../shared/engineTypes';
import type { Evaluation } from '../../shared/evaluationTypes';
import { EngineError } from '../../shared/engineError';
import { stratifiedSplit, type Sample } from '../../shared/split';
import type { TextItem, TextRunResult, TextScan, TextTrainParams } from '../../shared/text/textProtocol';
import type { TextColumnFlags } from '../../shared/text/textProtocol';
import type { TextInput } from '../../shared/inputSpec';
import { normaliseText } from '../../shared/text/textNormalise';
import { writeJsonAtomic } from '../models/modelFiles';
import { evaluatePredictions } from '../train/evaluation';
import { createRunDir } from '../train/runFolder';
import { clipExample } from '../data/text/textDecode';
import { readTextDataset } from '../data/text/textDataset';
import { argmax, fitTextModel, joinFeatures, scoreTexts, textFeatures } from './textHeads';
import type { TextModel, TextModelKind } from './textHeads';
import type { EncoderRef, TextFeatures } from './textHeads';
import { readTextModel, writeTextModel } from './textModelFile';
import { chooseTextModel, TEXT_CHOICE_SIGNIFICANCE } from '../../shared/text/textChoice';
import { frozenTextInput, writeTextRunFiles } from './textRunInfo';
import { textLayerFacts } from './textLayerFacts';
import { builtinWordVectors } from './wordVectors';

/** The candidates auto chooses from (the default kept unless another is better beyond chance), and the
 * baselines every run is compared with. */
const CANDIDATES: readonly TextModelKind[] = ['fused', 'glove', 'lexical', 'tuned'];
const DEFAULT_MODEL: TextModelKind = 'fused';
const BASELINES: readonly { kind: TextModelKind; name: string }[] = [
  { kind: 'lexical', name: 'lexical (TF-IDF + logistic)' },
  { kind: 'glove-mean', name: 'GloVe mean + logistic' },
];

export function scanText(source: string, columns: TextColumnFlags): TextScan {
  const data = readTextDataset(source, columns);
  return {
    source,
    classes: data.classes.map((name) => ({ name, count: data.examples.filter((e) => e.label === name).length })),
    skipped: data.skipped,
  };
}

/** The user's encoder's vectors of every example (by path), computed before the run (encoderText.ts). */
export interface EncodedExamples extends EncoderRef {
  byPath: ReadonlyMap<string, Float32Array>;
  input: TextInput;
}

/** A text as predict and the encoder see it: normalised, cut to the characters we keep. */
export function predictionText(text: string): string {
  return clipExample(normaliseText(text)).text;
}

export function trainText(
  p: TextTrainParams,
  emit: (e: ProgressEvent) => void,
  encoder?: EncodedExamples,
): TextRunResult {
  const started = performance.now();
  const say = (message: string) => emit({ kind: 'log', level: 'info', message });
  const data = readTextDataset(p.source, p.columns);
  const textOf = new Map(data.examples.map((e) => [e.path, e.text]));
  const classes = data.classes.map((name) => ({
    name,
    files: data.examples.filter((e) => e.label === name).map((e) => e.path),
  }));
  const split = stratifiedSplit(classes, { validationSplit: p.validationSplit, testSplit: p.testSplit, seed: p.seed });
  if (split.validation.length === 0)
    throw new EngineError(`${p.source}: too few examples per class to hold out validation.`);
  say(
    `${data.examples.length} texts in ${data.classes.length} classes (${data.skipped.length} skipped); split ${split.train.length}/${split.validation.length}/${split.test.length}`,
  );
  const startup = (performance.now() - started) / 1000;
  const vectors = builtinWordVectors();
  const part = (samples: Sample[]) => ({
    features: {
      ...textFeatures(
        vectors,
        samples.map((s) => textOf.get(s.path)!),
      ),
      encoded: encoder && { ...encoder, vectors: samples.map((s) => encoder.byPath.get(s.path)!) },
    },
    labels: samples.map((s) => s.label),
    samples,
  });
  const train = part(split.train);
  const validation = part(split.validation);
  const held = split.test.length > 0 ? part(split.test) : validation;
  const featureSeconds = (performance.now() - started) / 1000 - startup;
  const k = data.classes.length;
  const correct = (m: TextModel, on: typeof train) =>
    scoreTexts(m, on.features).map((probs, i) => argmax(probs) === on.labels[i]);
  const accuracy = (m: TextModel, on: typeof train) => correct(m, on).filter(Boolean).length / on.labels.length;
  // The refit below trains as the first fit did (a frozen Embedding stays frozen).
  const options = { freezeEmbedding: p.freezeEmbedding, pooling: p.pooling, vocabularySize: p.vocabularySize };
  const fitted = new Map<TextModelKind, { model: TextModel; seconds: number }>();
  const timed = (kind: TextModelKind) => {
    if (!fitted.has(kind)) {
      const at = performance.now();
      const model = fitTextModel(kind, train.features, train.labels, k, p.seed, options);
      fitted.set(kind, { model, seconds: (performance.now() - at) / 1000 });
    }
    return fitted.get(kind)!;
  };
  const fit = (kind: TextModelKind) => timed(kind).model;
  const kinds: readonly TextModelKind[] = encoder ? ['encoder'] : p.model === 'auto' ? CANDIDATES : [p.model];
  const tried = kinds.map((kind) => {
    const model = fit(kind);
    const right = correct(model, validation);
    const validationAccuracy = right.filter(Boolean).length / right.length;
    say(`${kind}: ${(validationAccuracy * 100).toFixed(1)} % on validation`);
    return { kind, model, validationAccuracy, correct: right };
  });
  const choice = chooseTextModel(DEFAULT_MODEL, tried);
  const kept = tried.find((t) => t.kind === choice.kind)!;
  // Validation chose the model; now it teaches it too: the saved model (and, where a test split measures them,
  // every model it is compared with) learn from train + validation.
  const both = {
    features: joinFeatures(train.features, validation.features),
    labels: [...train.labels, ...validation.labels],
  };
  const refitted = new Map<TextModelKind, TextModel>();
  const refit = (kind: TextModelKind) => {
    if (!refitted.has(kind)) refitted.set(kind, fitTextModel(kind, both.features, both.labels, k, p.seed, options));
    return refitted.get(kind)!;
  };
  const hasTest = split.test.length > 0;
  // Without a test split the held-out numbers are validation's, so they stay those of the train-only fits.
  const measured = (kind: TextModelKind) => (hasTest ? refit(kind) : fit(kind));
  const candidates = [
    ...tried.map((t) => ({
      name: t.kind,
      validationAccuracy: t.validationAccuracy,
      testAccuracy: accuracy(measured(t.kind), held),
      baseline: false,
      seconds: timed(t.kind).seconds,
    })),
    ...BASELINES.map((b) => ({
      name: b.name,
      validationAccuracy: accuracy(fit(b.kind), validation),
      testAccuracy: accuracy(measured(b.kind), held),
      baseline: true,
      seconds: timed(b.kind).seconds,
    })),
  ];
  const saved = refit(kept.kind);
  const trained = (performance.now() - started) / 1000 - startup - featureSeconds;
  const keptScore = candidates.find((c) => c.name === kept.kind)!.testAccuracy;
  const best = candidates.filter((c) => c.baseline).find((c) => c.testAccuracy > keptScore);
  const evaluation = evaluatePredictions(
    data.classes,
    scoreTexts(measured(kept.kind), held.features).map((probs, i) => ({
      path: held.samples[i].path,
      label: held.labels[i],
      probs,
    })),
  );
  const runDir = createRunDir(p.outputDir, `${path.basename(p.source).replace(/\.[^.]+$/, '')}-text`);
  const learnedFrom = [...split.train, ...split.validation].map((s) => textOf.get(s.path)!);
  writeTextModel(runDir, data.classes, saved, learnedFrom);
  const result: TextRunResult = {
    runDir,
    classes: data.classes,
    split: { train: split.train.length, validation: split.validation.length, test: split.test.length },
    kept: kept.kind,
    gloveWeight: saved.gloveWeight,
    refitOn: both.labels.length,
    keptBecause: keptReason(choice, DEFAULT_MODEL),
    candidates,
    evaluation,
    evaluatedOn: split.test.length > 0 ? 'test' : 'validation',
    winner: best ? best.name : kept.kind,
    seconds: (performance.now() - started) / 1000,
    layers: textLayerFacts(saved, p.freezeEmbedding),
  };
  writeJsonAtomic(path.join(runDir, 'text-run.json'), {
    ...result,
    source: p.source,
    columns: p.columns,
    seed: p.seed,
  });
  const seconds = (performance.now() - started) / 1000;
  const timings = {
    startup,
    features: featureSeconds,
    training: trained,
    evaluation: seconds - startup - featureSeconds - trained,
  };
  const input = encoder?.input ?? frozenTextInput(saved.lexical?.state ?? saved.fused?.lexical);
  writeTextRunFiles(result, input, timings, data.skipped, evaluation, encoder?.source);
  return result;
}

function keptReason(choice: ReturnType<typeof chooseTextModel>, defaultKind: string): string {
  if (choice.reason === 'only') return 'the one model asked for';
  if (choice.reason === 'significant')
    return `beat ${defaultKind} on validation beyond chance (McNemar p = ${choice.p!.toPrecision(2)})`;
  return `the default: no candidate beat it on validation beyond chance (p < ${TEXT_CHOICE_SIGNIFICANCE})`;
}

/** The features of texts for a kept model; `encoded` holds the encoder's vectors when the model has one. */
function featuresFor(model: TextModel, texts: readonly string[], encoded?: Float32Array[]): TextFeatures {
  const features: TextFeatures = textFeatures(builtinWordVectors(), texts);
  if (model.encoder) {
    if (encoded?.length !== texts.length) throw new EngineError('the encoder vectors of these texts are missing');
    features.encoded = { ...model.encoder, vectors: encoded };
  }
  return features;
}

export function predictText(runDir: string, items: readonly TextItem[], encoded?: Float32Array[]): Prediction[] {
  const { classes, model } = readTextModel(runDir);
  const texts = items.map((item) => predictionText(item.text));
  const probs = scoreTexts(model, featuresFor(model, texts, encoded));
  return items.map((item, i) => {
    const best = argmax(probs[i]);
    return {
      path: item.path,
      label: classes[best],
      confidence: probs[i][best],
      scores: Object.fromEntries(classes.map((c, j) => [c, probs[i][j]])),
    };
  });
}

export function evaluateText(
  runDir: string,
  source: string,
  columns: TextColumnFlags,
  encoded?: Float32Array[],
): Evaluation {
  const { classes, model } = readTextModel(runDir);
  const data = readTextDataset(source, columns);
  const unknown = data.classes.filter((c) => !classes.includes(c));
  if (unknown.length > 0) throw new EngineError(`${source}: classes the run does not know: ${unknown.join(', ')}.`);
  const probs = scoreTexts(
    model,
    featuresFor(
      model,
      data.examples.map((e) => e.text),
      encoded,
    ),
  );
  return evaluatePredictions(
    classes,
    data.examples.map((e, i) => ({ path: e.path, label: classes.indexOf(e.label), probs: probs[i] })),
  );
}
