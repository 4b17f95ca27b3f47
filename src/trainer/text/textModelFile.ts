// text-model.json in a text run folder: the kept model, its classes and the vectors it needs. Large numeric
// arrays are stored as base64 of their float32/int32 bytes, and the lexical IDF for the head's columns only
// (the others have no weight): a few MB where a JSON list of numbers would be tens.
import path from 'node:path';
import { EngineError } from '../../shared/engineError';
import { LIMITS } from '../../shared/limits';
import { TEXT_MODEL_FILE } from '../../shared/text/textFiles';
import { TEXT_POOLINGS, type TextPooling } from '../../shared/text/textRecipe';
import { readJsonFile } from '../io/boundedRead';
import { writeJsonAtomic } from '../models/modelFiles';
import { gramKeys, LEXICAL_BLOCK, seenGrams, type LexicalGrams, type LexicalState } from '../data/text/lexicalFeatures';
import type { SparseLogisticModel } from './sparseLogistic';
import type { TextModel } from './textHeads';
import type { TunedModel } from './tunedEmbedding';
import { FIRST_WORD_ID } from '../data/text/textVocabulary';

interface StoredHead {
  classes: number;
  columns: string;
  weights: string;
  biases: number[];
}

interface StoredTextModel {
  version: 1;
  classes: string[];
  /** The built-in vectors the GloVe part was pooled with. */
  vectors: 'glove-100d';
  kind: TextModel['kind'];
  gloveWeight: number;
  /** The fused model: both rows' states and the one head (the IDF for the head's lexical columns only). */
  fused?: {
    documents: number;
    idf: string;
    grams?: LexicalGrams;
    component: number[];
    scale: number;
    /** Each term counted once (absent: sublinear counts, as in every run before it could). */
    binary?: boolean;
    head: StoredHead;
  } & Pooled;
  glove?: { component: number[]; meanOnly: boolean; head: StoredHead } & Pooled;
  /** `grams`: the training split's n-grams (runs of older versions have none: every n-gram counts there). */
  lexical?: { documents: number; idf: string; grams?: LexicalGrams; head: StoredHead };
  /** The fine-tuned model: its words (ids from FIRST_WORD_ID), table, head weights and biases. */
  tuned?: { words: string[]; dims: number; table: string; weights: string; biases: number[] };
  /** The user's encoder: its folder, the hash of its files when the run trained, and the head. */
  encoder?: { source: string; key: string; head: StoredHead };
}

/** How the GloVe row pooled (absent in runs before the recipe said: mean+max). */
interface Pooled {
  pooling?: TextPooling;
}

const b64 = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function floats(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength - (b.byteLength % 4)));
}
function ints(s: string): Int32Array {
  const b = Buffer.from(s, 'base64');
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength - (b.byteLength % 4)));
}

const storeHead = (h: SparseLogisticModel): StoredHead => ({
  classes: h.classes,
  columns: b64(Int32Array.from(h.columns)),
  weights: b64(Float32Array.from(h.weights)),
  biases: h.biases,
});

function readHead(file: string, h: StoredHead): SparseLogisticModel {
  const columns = [...ints(h.columns)];
  const weights = [...floats(h.weights)];
  if (weights.length !== columns.length * h.classes || h.biases.length !== h.classes) {
    throw new EngineError(`${file}: the head's sizes do not match.`);
  }
  return { classes: h.classes, columns, weights, biases: h.biases };
}

/** `texts`: what the model learned from, whose n-grams a lexical part keeps. */
export function writeTextModel(runDir: string, classes: string[], model: TextModel, texts: readonly string[]): void {
  const { glove, lexical, tuned } = model;
  const grams = (state: LexicalState) => {
    const found = seenGrams(state, texts);
    return found ? { grams: found } : {};
  };
  const stored: StoredTextModel = {
    version: 1,
    classes,
    vectors: 'glove-100d',
    kind: model.kind,
    gloveWeight: model.gloveWeight,
    fused: model.fused && {
      documents: model.fused.lexical.documents,
      idf: b64(Float32Array.from(lexicalColumns(model.fused.head), (c) => model.fused!.lexical.idf[c])),
      ...grams(model.fused.lexical),
      component: model.fused.glove.component,
      pooling: model.fused.glove.pooling,
      scale: model.fused.scale,
      ...(model.fused.binary ? { binary: true } : {}),
      head: storeHead(model.fused.head),
    },
    glove: glove && {
      component: glove.state.component,
      pooling: glove.state.pooling,
      meanOnly: glove.meanOnly,
      head: storeHead(glove.head),
    },
    lexical: lexical && {
      documents: lexical.state.documents,
      idf: b64(Float32Array.from(lexical.head.columns, (c) => lexical.state.idf[c])),
      ...grams(lexical.state),
      head: storeHead(lexical.head),
    },
    tuned: tuned && {
      words: tuned.words,
      dims: tuned.dims,
      table: b64(tuned.table),
      weights: b64(tuned.weights),
      biases: [...tuned.biases],
    },
    encoder: model.encoder && { ...model.encoder, head: storeHead(model.encoder.head) },
  };
  writeJsonAtomic(path.join(runDir, TEXT_MODEL_FILE), stored);
}

export function readTextModel(runDir: string): { classes: string[]; model: TextModel } {
  const file = path.join(runDir, TEXT_MODEL_FILE);
  const s = readJsonFile(file, LIMITS.maxTextModelBytes, 'text model') as StoredTextModel;
  if (s?.version !== 1 || !Array.isArray(s.classes) || s.classes.length < 2) {
    throw new EngineError(`${file}: not a text model this version can read.`);
  }
  const model: TextModel = { kind: s.kind, classes: s.classes.length, gloveWeight: s.gloveWeight };
  if (s.fused) {
    const head = readHead(file, s.fused.head);
    model.fused = {
      lexical: readLexical(file, s.fused, lexicalColumns(head)),
      glove: { component: s.fused.component, pooling: readPooling(file, s.fused.pooling) },
      scale: s.fused.scale,
      binary: s.fused.binary === true,
      head,
    };
  }
  if (s.glove) {
    model.glove = {
      state: { component: s.glove.component, pooling: readPooling(file, s.glove.pooling) },
      meanOnly: s.glove.meanOnly,
      head: readHead(file, s.glove.head),
    };
  }
  if (s.encoder) {
    model.encoder = {
      source: String(s.encoder.source),
      key: String(s.encoder.key),
      head: readHead(file, s.encoder.head),
    };
  }
  if (s.lexical) {
    const head = readHead(file, s.lexical.head);
    model.lexical = {
      state: readLexical(file, s.lexical, head.columns),
      head,
    };
  }
  if (s.tuned) model.tuned = readTuned(file, s.tuned, s.classes.length);
  return { classes: s.classes, model };
}

function readPooling(file: string, pooling: unknown): TextPooling | undefined {
  if (pooling === undefined || TEXT_POOLINGS.includes(pooling as TextPooling)) return pooling as TextPooling;
  throw new EngineError(`${file}: unknown pooling ${JSON.stringify(pooling)}.`);
}

/** The head's columns in the lexical blocks (the fused head's GloVe columns come after them). */
const lexicalColumns = (head: SparseLogisticModel) => head.columns.filter((c) => c < 2 * LEXICAL_BLOCK);

function readLexical(
  file: string,
  s: { documents: number; idf: string; grams?: LexicalGrams },
  columns: readonly number[],
): LexicalState {
  const state: LexicalState = { documents: s.documents, idf: readIdf(file, columns, floats(s.idf)) };
  if (s.grams === undefined) return state;
  const lists = Array.isArray(s.grams) && s.grams.length === 2 ? s.grams : undefined;
  const valid = lists?.every((l) => Array.isArray(l) && l.every((g) => typeof g === 'string'));
  if (!lists || !valid) throw new EngineError(`${file}: the lexical n-grams are not two lists of strings.`);
  if (lists[0].length + lists[1].length > LIMITS.maxLexicalGrams)
    throw new EngineError(`${file}: more than ${LIMITS.maxLexicalGrams} lexical n-grams.`);
  return { ...state, grams: lists, seen: gramKeys(lists) };
}

/** The full IDF array from the values stored for `columns`. */
function readIdf(file: string, columns: readonly number[], values: Float32Array): Float32Array {
  const idf = new Float32Array(2 * LEXICAL_BLOCK);
  if (values.length !== columns.length) throw new EngineError(`${file}: the IDF's size does not match the head.`);
  columns.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= idf.length) throw new EngineError(`${file}: column ${c} out of range.`);
    idf[c] = values[i];
  });
  return idf;
}

function readTuned(file: string, t: NonNullable<StoredTextModel['tuned']>, classes: number): TunedModel {
  const model: TunedModel = {
    words: t.words,
    dims: t.dims,
    classes,
    table: floats(t.table),
    weights: floats(t.weights),
    biases: Float32Array.from(t.biases),
  };
  const sizesMatch =
    Array.isArray(t.words) &&
    t.words.every((w) => typeof w === 'string') &&
    Number.isInteger(t.dims) &&
    t.dims > 0 &&
    model.table.length === (FIRST_WORD_ID + t.words.length) * t.dims &&
    model.weights.length === classes * t.dims &&
    model.biases.length === classes;
  if (!sizesMatch) throw new EngineError(`${file}: the fine-tuned model's sizes do not match.`);
  return model;
}
