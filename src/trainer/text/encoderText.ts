// Text runs on the user's ONNX sentence encoder (`train --base <folder>`): the encoder's vectors of the texts
// are computed first (asynchronously, through the cache), then the same run, predict and evaluate as for the
// built-in bases take them. Runs without an encoder go straight through.
import path from 'node:path';
import type { Prediction, ProgressEvent } from '../../shared/engineTypes';
import type { Evaluation } from '../../shared/evaluationTypes';
import { EngineError } from '../../shared/engineError';
import type { TextInput } from '../../shared/inputSpec';
import type { ProbeResult } from '../../shared/probeRules';
import type { TextProbeParams } from '../../shared/text/textProbeProtocol';
import type { TextColumnFlags, TextItem, TextRunResult, TextTrainParams } from '../../shared/text/textProtocol';
import { readTextDataset } from '../data/text/textDataset';
import { encodeCached } from './encoderCache';
import type { EncoderRef } from './textHeads';
import { readTextModel } from './textModelFile';
import { probeText } from './textProbe';
import { evaluateText, predictionText, predictText, trainText } from './textRun';
import { openEncoderAt } from './encoderDownload';
import { ENCODER_BATCH, type SentenceEncoder } from './sentenceEncoder';

type Emit = (e: ProgressEvent) => void;

/** The encoder as a run's input: its tokenizer.json and content key (the feature cache's key too). */
export function encoderInput(encoder: SentenceEncoder): TextInput {
  return {
    kind: 'text',
    maxLength: encoder.meta.maxLength,
    tokenizer: {
      type: 'wordpiece',
      vocabulary: `${encoder.source}/tokenizer.json`,
      vocabularyKey: encoder.key,
      padId: encoder.padId,
      unknownId: encoder.unknownId,
    },
  };
}

/** Opens the encoder, encodes the texts through the cache, and always releases the session. */
async function withEncoder<T>(
  source: string,
  texts: readonly string[],
  cacheDir: string | undefined,
  emit: Emit | undefined,
  use: (encoder: SentenceEncoder, vectors: Float32Array[]) => T,
  expected?: EncoderRef,
): Promise<T> {
  const encoder = await openEncoderAt(source, cacheDir);
  try {
    // The run's head fits the vectors of the files it trained with.
    if (expected && encoder.key !== expected.key) {
      throw new EngineError(`${source}: the encoder's files changed since this run was trained; train again.`);
    }
    const started = performance.now();
    const { vectors, computed } = await encodeCached(encoder, texts, cacheDir);
    const seconds = (performance.now() - started) / 1000;
    emit?.({
      kind: 'log',
      level: 'info',
      message: `${encoder.detail}: ${texts.length} texts (${computed} computed, ${texts.length - computed} cached) in ${seconds.toFixed(1)} s`,
    });
    return use(encoder, vectors);
  } finally {
    await encoder.dispose();
  }
}

export async function trainTextRun(p: TextTrainParams, emit: Emit): Promise<TextRunResult> {
  if (!p.base) return trainText(p, emit);
  if (p.model !== 'auto') throw new EngineError(`--text-model ${p.model} does not apply with --base ${p.base}.`);
  const examples = readTextDataset(p.source, p.columns).examples;
  const texts = examples.map((e) => e.text);
  return withEncoder(p.base, texts, p.cacheDir, emit, (encoder, vectors) =>
    trainText(p, emit, {
      source: encoder.source,
      key: encoder.key,
      byPath: new Map(examples.map((e, i) => [e.path, vectors[i]])),
      input: encoderInput(encoder),
    }),
  );
}

export async function predictTextRun(runDir: string, items: readonly TextItem[]): Promise<Prediction[]> {
  const run = readTextModel(runDir).model.encoder;
  if (!run) return predictText(runDir, items);
  const texts = items.map((item) => predictionText(item.text));
  return withEncoder(run.source, texts, undefined, undefined, (_, vectors) => predictText(runDir, items, vectors), run);
}

export async function evaluateTextRun(
  runDir: string,
  source: string,
  columns: TextColumnFlags,
  cacheDir?: string,
): Promise<Evaluation> {
  const run = readTextModel(runDir).model.encoder;
  if (!run) return evaluateText(runDir, source, columns);
  const texts = readTextDataset(source, columns).examples.map((e) => e.text);
  const evaluate = (_: SentenceEncoder, vectors: Float32Array[]) => evaluateText(runDir, source, columns, vectors);
  return withEncoder(run.source, texts, cacheDir, undefined, evaluate, run);
}

/** Compare Bases on text, with the user's encoder beside GloVe and lexical when one is given. */
export async function probeTextRun(p: TextProbeParams): Promise<ProbeResult> {
  if (!p.encoder) return probeText(p);
  const examples = readTextDataset(p.source, p.columns).examples;
  const texts = examples.map((e) => e.text);
  const encoder = await openEncoderAt(p.encoder, p.cacheDir);
  try {
    // The cost per text from one uncached batch: cached vectors would make any encoder look free.
    const sample = texts.slice(0, ENCODER_BATCH);
    const started = performance.now();
    await encoder.encode(sample);
    const secondsPerText = (performance.now() - started) / 1000 / Math.max(1, sample.length);
    const { vectors } = await encodeCached(encoder, texts, p.cacheDir);
    return probeText(p, {
      source: encoder.source,
      key: encoder.key,
      byPath: new Map(examples.map((e, i) => [e.path, vectors[i]])),
      title: `your ONNX encoder (${path.basename(encoder.source)})`,
      pooling: `${encoder.meta.poolings.join('+')} pooling`,
      secondsPerText,
      bytes: encoder.bytes,
    });
  } finally {
    await encoder.dispose();
  }
}
