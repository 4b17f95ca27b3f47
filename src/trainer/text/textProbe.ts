// Compare Bases on text: each built-in text base (GloVe pooled, lexical TF-IDF) with its logistic head fitted
// on the training split and scored on the same validation texts, so the probe's Wilson intervals and paired
// McNemar test (probeRules.ts) compare them text by text; plus what each costs per text.
import fs from 'node:fs';
import { recommendBase, probeAccuracy, type ProbeResult, type ProbeRow } from '../../shared/probeRules';
import { stratifiedSplit } from '../../shared/split';
import type { TextProbeParams } from '../../shared/text/textProbeProtocol';
import { poolTexts } from './gloveFeatures';
import { termCounts } from '../data/text/lexicalFeatures';
import { wordTokens } from '../../shared/text/textTokens';
import { readTextDataset } from '../data/text/textDataset';
import { argmax, fitTextModel, scoreTexts, type TextFeatures, type TextModel } from './textHeads';
import { builtinWordVectors, wordVectorsPath } from './wordVectors';

/** The text bases a probe compares, with what each is in words. */
const TEXT_BASES = [
  { base: 'glove', title: 'GloVe-100: SIF mean + max pooling', featureLayer: 'pooled words' },
  { base: 'lexical', title: 'word and character n-gram TF-IDF', featureLayer: 'hashed n-grams' },
] as const;

export function probeText(p: TextProbeParams): ProbeResult {
  const data = readTextDataset(p.source, p.columns);
  const classes = data.classes.map((name) => ({
    name,
    files: data.examples.filter((e) => e.label === name).map((e) => e.path),
  }));
  const split = stratifiedSplit(classes, { validationSplit: p.validationSplit, testSplit: 0, seed: p.seed });
  const textOf = new Map(data.examples.map((e) => [e.path, e.text]));
  const texts = (samples: typeof split.train) => samples.map((s) => textOf.get(s.path)!);
  const vectors = builtinWordVectors();
  const all = [...texts(split.train), ...texts(split.validation)];
  // Each base's features timed on its own: the cost of a text through that base.
  const glove = timedPerText(() => poolTexts(vectors, all), all.length);
  const lexical = timedPerText(() => all.map(termCounts), all.length);
  const features: TextFeatures = { pooled: glove.value, counts: lexical.value, tokens: all.map(wordTokens) };
  const n = split.train.length;
  const pick = (from: number, to: number): TextFeatures => ({
    pooled: { ...slicePooled(features.pooled, from, to) },
    counts: features.counts.slice(from, to),
    tokens: features.tokens.slice(from, to),
  });
  const trainLabels = split.train.map((s) => s.label);
  const validationLabels = split.validation.map((s) => s.label);
  const rows = TEXT_BASES.map((b): ProbeRow => {
    const model = fitTextModel(b.base, pick(0, n), trainLabels, data.classes.length, p.seed);
    const correct = scoreTexts(model, pick(n, all.length)).map((probs, i) => argmax(probs) === validationLabels[i]);
    const cost = b.base === 'glove' ? glove.seconds : lexical.seconds;
    return {
      ...b,
      ...probeAccuracy(correct),
      correct,
      secondsPerImage: cost,
      extractionSeconds: cost * all.length,
      params: headParams(model),
      bytes: b.base === 'glove' ? fs.statSync(wordVectorsPath()).size : 0,
    };
  });
  return {
    folder: p.source,
    classes: data.classes,
    split: { train: split.train.length, validation: split.validation.length },
    rows,
    noun: 'texts',
    ...recommendBase(rows, 'text'),
  };
}

function timedPerText<T>(fn: () => T, count: number): { value: T; seconds: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, seconds: (performance.now() - t0) / 1000 / Math.max(1, count) };
}

function slicePooled(p: TextFeatures['pooled'], from: number, to: number): TextFeatures['pooled'] {
  const cut = <T>(xs: T[]) => xs.slice(from, to);
  return { means: cut(p.means), plainMeans: cut(p.plainMeans), maxes: cut(p.maxes), coverage: p.coverage };
}

/** The head's weights and biases: the part of the model that is learned. */
function headParams(model: TextModel): number {
  const head = model.glove?.head ?? model.lexical?.head;
  return head ? head.weights.length + head.biases.length : 0;
}
