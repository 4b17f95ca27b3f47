// The text kind: a folder of class subfolders of .txt/.md files, or a .csv/.tsv/.jsonl table, read into
// token ids over a corpus vocabulary fitted on the training split, and a mask. The fitted state (vocabulary,
// lexical IDF) is named by content hashes in the spec, so it is part of every feature-cache key.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { DatasetScan } from '../../../shared/engineTypes';
import type { TextInput } from '../../../shared/inputSpec';
import type { Sample } from '../../../shared/split';
import { normaliseText } from '../../../shared/text/textNormalise';
import { TEXT_MODEL_FILE } from '../../../shared/text/textFiles';
import * as tf from '../../tf';
import type { SkipList } from '../batchStream';
import { bagOfEmbeddings, IDS_INPUT, MASK_INPUT } from '../text/bagOfEmbeddings';
import { fitLexicalState, termCounts } from '../text/lexicalFeatures';
import { readTextDataset } from '../text/textDataset';
import { clipExample, decodeUtf8 } from '../text/textDecode';
import { encodeTexts, FIRST_WORD_ID, fitVocabulary, vocabularyOf } from '../text/textVocabulary';
import { ExampleProblem, type DataKind, type DecodedBatch } from './dataKind';

/** Width of the from-scratch bag of embeddings (GloVe's, so the two differ only in their start). */
const BAG_DIMS = 100;
/** Characters of a text the panel shows. */
const PREVIEW_CHARS = 200;

const sha = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/** A sample's text: inline (table rows, scanned folders) or its file, decoded and normalised. */
function textOf(sample: Sample): string {
  if (sample.text !== undefined) return sample.text;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(sample.path);
  } catch {
    throw new ExampleProblem('cannot be read');
  }
  const decoded = decodeUtf8(bytes);
  if ('reason' in decoded) throw new ExampleProblem(decoded.reason);
  return normaliseText(clipExample(decoded.text).text);
}

async function listTexts(source: string): Promise<DatasetScan> {
  const data = readTextDataset(source);
  const classes = data.classes.map((name) => {
    const examples = data.examples.filter((e) => e.label === name);
    return { name, files: examples.map((e) => e.path), texts: examples.map((e) => e.text) };
  });
  return { root: source, classes, skipped: data.skipped, warnings: [] };
}

async function fitText(spec: TextInput, train: readonly Sample[]): Promise<TextInput> {
  const texts = train.map(textOf);
  const vocabulary = fitVocabulary(texts);
  const out: TextInput = { ...spec, tokenizer: { ...spec.tokenizer, vocabularyKey: vocabulary.key } };
  if (spec.lexical) {
    const state = fitLexicalState(texts.map(termCounts));
    const key = sha(new Uint8Array(state.idf.buffer));
    const terms = state.idf.reduce((n, v) => (v > 0 ? n + 1 : n), 0);
    out.lexical = { ...spec.lexical, fitted: { file: TEXT_MODEL_FILE, key, terms } };
  }
  return out;
}

function decodeTexts(samples: readonly Sample[], spec: TextInput, skips: SkipList): DecodedBatch {
  const kept: Sample[] = [];
  const texts: string[] = [];
  for (const sample of samples) {
    try {
      texts.push(textOf(sample));
      kept.push(sample);
    } catch (e) {
      if (!(e instanceof ExampleProblem)) throw e;
      skips.add(sample.path, e.message);
    }
  }
  const { ids, mask } = encodeTexts(vocabularyOf(spec.tokenizer.vocabularyKey), texts, spec.maxLength);
  const shape = [kept.length, spec.maxLength];
  return {
    inputs: [
      { name: IDS_INPUT, dtype: 'int32', data: ids, shape },
      { name: MASK_INPUT, dtype: 'float32', data: mask, shape },
    ],
    samples: kept,
  };
}

function preview(paths: readonly string[]) {
  return paths.map((p) => {
    let text = '';
    try {
      text = textOf({ path: p, label: 0 }).slice(0, PREVIEW_CHARS);
    } catch (e) {
      if (!(e instanceof ExampleProblem)) throw e;
    }
    return { path: p, src: '', text };
  });
}

export const textKind: DataKind<TextInput> = {
  kind: 'text',
  noun: 'texts',
  list: (source) => listTexts(source),
  fit: fitText,
  inputs: (spec) => [
    { name: IDS_INPUT, dtype: 'int32', shape: [spec.maxLength] },
    { name: MASK_INPUT, dtype: 'float32', shape: [spec.maxLength] },
  ],
  decode: async (samples, spec, skips) => decodeTexts(samples, spec, skips),
  exampleKey: async (sample) => sha(textOf(sample)),
  cacheKeyParts: (spec) => [
    { tokenizer: spec.tokenizer.type, vocabulary: spec.tokenizer.vocabularyKey, maxLength: spec.maxLength },
    ...(spec.lexical ? [{ ngrams: spec.lexical.ngrams, lexical: spec.lexical.fitted?.key ?? '' }] : []),
  ],
  batchBytes: (spec, batchSize) => batchSize * spec.maxLength * 8,
  describe: (spec) => `${spec.maxLength} tokens`,
  randomInputs: (spec, count) => {
    const size = FIRST_WORD_ID + vocabularyOf(spec.tokenizer.vocabularyKey).words.length;
    return [tf.randomUniform([count, spec.maxLength], 0, size, 'int32'), tf.ones([count, spec.maxLength])];
  },
  preview: async (paths) => preview(paths),
  baselines: async (_train, spec, classes, seed) => [
    {
      name: 'bag of embeddings (random init)',
      input: spec,
      build: () =>
        bagOfEmbeddings({
          vocabularySize: FIRST_WORD_ID + vocabularyOf(spec.tokenizer.vocabularyKey).words.length,
          maxLength: spec.maxLength,
          dims: BAG_DIMS,
          classes,
          seed,
        }),
    },
  ],
};
