// A lexical (TF-IDF) text model as one ONNX graph (opset 17), computing what lexicalFeatures.ts and the head
// compute: TfIdfVectorizer counts the training n-grams in two id streams (word 1–2-grams over input_ids,
// character 2–5-grams over char_ids, cut at CHAR_GRAM_CHARS), each n-gram into its hashed column's place
// (n-grams sharing a column add up, as in the engine); then 1 + log tf, the IDF, each block unit length, and the
// logistic head's softmax. An n-gram the training split never had is in no pool: it counts nothing, as in the
// engine.
import { onnx } from 'onnx-proto';
import { OnnxGraphBuilder } from '../export/onnxBuilder';
import { CHAR_GRAM_CHARS, type LexicalState, type TermWeighting } from '../data/text/lexicalFeatures';
import type { SparseLogisticModel } from './sparseLogistic';
import { headProbabilities, TEXT_INPUT_IDS, textModelProto } from './textOnnx';
import type { GramPool, LexicalVocabulary } from './lexicalVocabulary';
import { EngineError } from '../../shared/engineError';

/** The character stream's input. */
export const TEXT_CHAR_IDS = 'char_ids';
const TINY = 1e-30;

/** The ONNX model of a lexical text model; metadata as key → text. */
export function lexicalOnnxModel(
  lexical: { state: LexicalState; head: SparseLogisticModel },
  vocabulary: LexicalVocabulary,
  classes: number,
  metadata: Record<string, string>,
): onnx.IModelProto {
  const b = new OnnxGraphBuilder();
  const ids = b.reserve(TEXT_INPUT_IDS);
  const chars = b.reserve(TEXT_CHAR_IDS);
  const tfidf = lexicalFeatureRow(b, ids, chars, vocabulary, lexical.state, 'sublinear');
  const head = placedHead(lexical.head, tfidf.columns);
  const probabilities = headProbabilities(b, head, tfidf.row, tfidf.columns.length);
  return textModelProto(b, probabilities, classes, metadata, [
    { name: TEXT_INPUT_IDS, length: 'L' },
    { name: TEXT_CHAR_IDS, length: 'C' },
  ]);
}

/**
 * The TF-IDF row [N, columns] of a word id stream and a character id stream (cut at CHAR_GRAM_CHARS), as
 * lexicalRow() makes it with `weighting`; `columns`: the engine's column of each of the row's places.
 */
export function lexicalFeatureRow(
  b: OnnxGraphBuilder,
  ids: string,
  chars: string,
  vocabulary: LexicalVocabulary,
  state: LexicalState,
  weighting: TermWeighting,
): { row: string; columns: number[] } {
  const cut = b.node(
    'Slice',
    [chars, b.ints('zero', [0]), b.ints('cut', [CHAR_GRAM_CHARS]), b.ints('axis1', [1])],
    'chars_cut',
  );
  const { wordPool, charPool } = vocabulary;
  const blocks = [
    block(b, 'words', ids, wordPool, state, weighting),
    block(b, 'chars', cut, charPool, state, weighting),
  ];
  return { row: b.node('Concat', blocks, 'tfidf', { axis: 1 }), columns: [...wordPool.columns, ...charPool.columns] };
}

/**
 * One block's unit-length TF-IDF values [N, columns]: counts, then 1 + log tf where tf > 0 (sublinear) or 1
 * where tf > 0 (binary), × IDF, ÷ ‖·‖.
 */
function block(
  b: OnnxGraphBuilder,
  want: string,
  ids: string,
  p: GramPool,
  state: LexicalState,
  weighting: TermWeighting,
): string {
  const tf = b.node('TfIdfVectorizer', [ids], `${want}_tf`, {
    mode: 'TF',
    min_gram_length: p.minGram,
    max_gram_length: p.maxGram,
    max_skip_count: 0,
    ngram_counts: p.starts,
    ngram_indexes: p.indexes,
    pool_int64s: p.pool,
  });
  const one = b.floats('one', [], [1]);
  const counted = b.node('Min', [tf, one], `${want}_any`);
  // (1 + log max(tf, 1)) × min(tf, 1): 1 + log tf where a column counted, 0 where not.
  const logTf = () => b.node('Log', [b.node('Max', [tf, one], `${want}_tf1`)], `${want}_log`);
  const weighted =
    weighting === 'binary'
      ? counted
      : b.node('Mul', [b.node('Add', [logTf(), one], `${want}_1log`), counted], `${want}_sub`);
  const idf = b.floats(
    `${want}_idf`,
    [p.columns.length],
    Float32Array.from(p.columns, (c) => state.idf[c]),
  );
  const values = b.node('Mul', [weighted, idf], `${want}_tfidf`);
  const squares = b.node(
    'ReduceSum',
    [b.node('Mul', [values, values], `${want}_sq`), b.ints('axis1', [1])],
    `${want}_ss`,
    {
      keepdims: 1,
    },
  );
  const norm = b.node('Max', [b.node('Sqrt', [squares], `${want}_norm`), b.floats('tiny', [], [TINY])], `${want}_safe`);
  return b.node('Div', [values, norm], `${want}_unit`);
}

/** The head over a graph's row: each engine column it reads → that column's place (`columns[place]`). */
export function placedHead(head: SparseLogisticModel, columns: readonly number[]): SparseLogisticModel {
  const place = new Map(columns.map((c, i) => [c, i]));
  return {
    ...head,
    columns: head.columns.map((c) => {
      const at = place.get(c);
      if (at === undefined) throw new EngineError(`The text head reads column ${c}, which no exported feature fills.`);
      return at;
    }),
  };
}
