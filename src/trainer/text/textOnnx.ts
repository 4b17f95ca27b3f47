// A GloVe text model as one ONNX graph (opset 17) on token ids, computing what gloveFeatures.ts and the head
// compute: the int8 vectors times their scales (the built-in file's own form: 35 MB, not 137 as float32),
// the SIF-weighted mean of the known words inside the attention mask, the training set's first principal
// component removed, the masked max beside it (unless the run pools by the mean alone), each half unit length
// ÷ √2, then the logistic head's softmax.
// Unknown words (id 1) count in neither pooling, as in the engine.
import { onnx } from 'onnx-proto';
import { EngineError } from '../../shared/engineError';
import { OnnxGraphBuilder } from '../export/onnxBuilder';
import { IR_VERSION, ONNX_OPSET } from '../export/onnxWriter';
import { SIF_A, zipfProbability } from './gloveFeatures';
import type { SparseLogisticModel } from './sparseLogistic';
import type { TextModel } from './textHeads';
import { FIRST_WORD_ID, UNKNOWN_ID, vocabularySize } from './textTokenizerJson';
import type { WordVectors } from './wordVectors';

/** The ONNX text model's inputs and output. */
export const TEXT_INPUT_IDS = 'input_ids';
export const TEXT_ATTENTION_MASK = 'attention_mask';
export const TEXT_OUTPUT = 'probabilities';
/** Stands for -∞ in the masked max: finite, so a masked position times 0 stays 0. */
const BIG = 1e9;
const TINY = 1e-30;
const DT = onnx.TensorProto.DataType;

/** What the GloVe row needs of a model: the fitted state, and whether it is the plain-mean baseline. */
export type GlovePart = Pick<NonNullable<TextModel['glove']>, 'state' | 'meanOnly'>;

/** The ONNX model of a text model whose probabilities are GloVe's alone; metadata as key → text. */
export function textOnnxModel(
  model: TextModel,
  vectors: WordVectors,
  metadata: Record<string, string>,
): onnx.IModelProto {
  if (!model.glove || model.gloveWeight !== 1) {
    throw new EngineError(`A ${model.kind} text model has no ONNX form: only GloVe models export.`);
  }
  const b = new OnnxGraphBuilder();
  const { ids, mask } = textInputs(b);
  const row = gloveFeatureRow(b, model.glove, vectors, ids, mask);
  const features = gloveRowWidth(model.glove, vectors);
  return textModelProto(b, headProbabilities(b, model.glove.head, row, features), model.classes, metadata);
}

/** How wide the GloVe row is: the mean alone, or the mean and the max. */
export function gloveRowWidth(glove: GlovePart, vectors: WordVectors): number {
  return glove.meanOnly || glove.state.pooling === 'mean' ? vectors.dims : 2 * vectors.dims;
}

/** The graph's two inputs, their names reserved. */
export function textInputs(b: OnnxGraphBuilder): { ids: string; mask: string } {
  return { ids: b.reserve(TEXT_INPUT_IDS), mask: b.reserve(TEXT_ATTENTION_MASK) };
}

/**
 * The model around a built graph: int64 inputs [N, length] (by default input_ids and attention_mask, [N, L]),
 * the probabilities [N, classes].
 */
export function textModelProto(
  b: OnnxGraphBuilder,
  probabilities: string,
  classes: number,
  metadata: Record<string, string>,
  inputs: readonly { name: string; length: string }[] = [
    { name: TEXT_INPUT_IDS, length: 'L' },
    { name: TEXT_ATTENTION_MASK, length: 'L' },
  ],
): onnx.IModelProto {
  const output = b.reserve(TEXT_OUTPUT);
  b.nodes.push({ opType: 'Identity', name: output, input: [probabilities], output: [output] });
  return {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'transfer-studio',
    docString: metadata.title ?? '',
    graph: {
      name: 'transfer_studio_text',
      node: b.nodes,
      initializer: b.initializers,
      input: inputs.map((i) => valueInfo(i.name, DT.INT64, ['N', i.length])),
      output: [valueInfo(output, DT.FLOAT, ['N', classes])],
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
}

/** The pooled feature row [N, features] of the token ids, as gloveRows() makes it. */
export function gloveFeatureRow(
  b: OnnxGraphBuilder,
  glove: GlovePart,
  vectors: WordVectors,
  ids: string,
  mask: string,
): string {
  const valid = validTokens(b, ids, mask);
  const words = wordVectorsOf(b, vectors, ids);
  const sif = () => b.floats('sif', [vocabularySize(vectors)], sifWeights(vectors));
  const weights = glove.meanOnly ? valid : b.node('Mul', [b.node('Gather', [sif(), ids], 'sif_w'), valid], 'weights');
  const mean = maskedMean(b, words, weights);
  if (glove.meanOnly) return unitLength(b, mean, 1, 'mean');
  const u = glove.state.component;
  const projection = b.node('MatMul', [mean, b.floats('component_col', [u.length, 1], u)], 'projection');
  const along = b.node('Mul', [projection, b.floats('component_row', [1, u.length], u)], 'along');
  const centred = b.node('Sub', [mean, along], 'centred');
  if (glove.state.pooling === 'mean') return unitLength(b, centred, 1, 'mean');
  const halves = [
    unitLength(b, centred, Math.SQRT2, 'mean'),
    unitLength(b, maskedMax(b, words, valid), Math.SQRT2, 'max'),
  ];
  return b.node('Concat', halves, 'features', { axis: 1 });
}

/** 1 for a token inside the mask that is a known word, else 0: [N, L] float. */
function validTokens(b: OnnxGraphBuilder, ids: string, mask: string): string {
  const known = b.node('Greater', [ids, b.ints('unknown_id', [UNKNOWN_ID])], 'known');
  const inMask = b.node('Cast', [mask], 'mask_f', { to: DT.FLOAT });
  return b.node('Mul', [inMask, b.node('Cast', [known], 'known_f', { to: DT.FLOAT })], 'valid');
}

/** Each token's vector, int8 × its word's scale: [N, L, dims]. */
function wordVectorsOf(b: OnnxGraphBuilder, vectors: WordVectors, ids: string): string {
  const size = vocabularySize(vectors);
  const table = int8(b, 'vectors', [size, vectors.dims], paddedValues(vectors));
  const quantised = b.node('Cast', [b.node('Gather', [table, ids], 'quantised')], 'quantised_f', { to: DT.FLOAT });
  const scales = b.node('Gather', [b.floats('scales', [size], padded(vectors.scales)), ids], 'scale');
  return b.node('Mul', [quantised, b.node('Unsqueeze', [scales, b.ints('axis2', [2])], 'scale_u')], 'words');
}

/** Σ w·v / Σ w over the tokens; zeros where no token weighs (the engine leaves such a mean at 0). */
export function maskedMean(b: OnnxGraphBuilder, words: string, weights: string): string {
  const axis1 = b.ints('axis1', [1]);
  const weighted = b.node('Mul', [words, b.node('Unsqueeze', [weights, b.ints('axis2', [2])], 'w_u')], 'weighted');
  const summed = b.node('ReduceSum', [weighted, axis1], 'summed', { keepdims: 0 });
  const total = b.node('ReduceSum', [weights, axis1], 'total', { keepdims: 1 });
  const safe = b.node('Max', [total, b.floats('tiny', [], [TINY])], 'total_safe');
  return b.node('Div', [summed, safe], 'mean');
}

/** The element-wise max over the valid tokens; zeros for a text without one. */
function maskedMax(b: OnnxGraphBuilder, words: string, valid: string): string {
  const validU = b.node('Unsqueeze', [valid, b.ints('axis2', [2])], 'valid_u');
  const off = b.node('Sub', [validU, b.floats('one', [], [1])], 'off');
  const pushedDown = b.node('Mul', [off, b.floats('big', [], [BIG])], 'pushed_down');
  const masked = b.node('Add', [b.node('Mul', [words, validU], 'kept'), pushedDown], 'masked');
  const anyWord = b.node('ReduceMax', [valid], 'any_word', { axes: [1], keepdims: 1 });
  const raw = b.node('ReduceMax', [masked], 'max_raw', { axes: [1], keepdims: 0 });
  return b.node('Mul', [raw, anyWord], 'max');
}

/** x ÷ (‖x‖·by), a zero row left at zero (the engine divides it by 1). */
function unitLength(b: OnnxGraphBuilder, x: string, by: number, want: string): string {
  const squares = b.node('Mul', [x, x], `${want}_sq`);
  const sum = b.node('ReduceSum', [squares, b.ints('axis1', [1])], `${want}_ss`, { keepdims: 1 });
  const norm = b.node('Mul', [b.node('Sqrt', [sum], `${want}_norm`), b.floats('by', [], [by])], `${want}_n`);
  return b.node('Div', [x, b.node('Max', [norm, b.floats('tiny', [], [TINY])], `${want}_safe`)], `${want}_unit`);
}

/** The sparse head as a dense [features, classes] matrix (columns it never saw weigh 0), then softmax. */
export function headProbabilities(
  b: OnnxGraphBuilder,
  head: SparseLogisticModel,
  row: string,
  features: number,
): string {
  const C = head.classes;
  const w = new Float32Array(features * C);
  head.columns.forEach((column, k) => {
    if (column >= features) throw new EngineError(`The head reads column ${column} of ${features}.`);
    for (let c = 0; c < C; c++) w[column * C + c] = head.weights[c * head.columns.length + k];
  });
  const product = b.node('MatMul', [row, b.floats('head/kernel', [features, C], w)], 'head/matmul');
  const logits = b.node('Add', [product, b.floats('head/bias', [C], head.biases)], 'logits');
  return b.node('Softmax', [logits], 'softmax', { axis: -1 });
}

/** SIF's weight a / (a + p(w)) of every id; pad and unknown weigh 0. */
function sifWeights(vectors: WordVectors): Float32Array {
  const out = new Float32Array(vocabularySize(vectors));
  for (let i = 0; i < vectors.count; i++) out[i + FIRST_WORD_ID] = SIF_A / (SIF_A + zipfProbability(i, vectors.count));
  return out;
}

/** A per-word array shifted by the two special ids (pad, unknown), which get 0. */
function padded(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length + FIRST_WORD_ID);
  out.set(values, FIRST_WORD_ID);
  return out;
}

function paddedValues(vectors: WordVectors): Int8Array {
  const out = new Int8Array(vocabularySize(vectors) * vectors.dims);
  out.set(vectors.values, FIRST_WORD_ID * vectors.dims);
  return out;
}

function int8(b: OnnxGraphBuilder, want: string, dims: number[], values: Int8Array): string {
  const name = b.name(want);
  b.initializers.push({
    name,
    dims,
    dataType: DT.INT8,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  });
  return name;
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}
