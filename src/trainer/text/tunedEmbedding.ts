// Fine-tuning GloVe on the user's texts: an Embedding over the corpus vocabulary (pad 0, unknown 1, the
// training split's words) initialised from GloVe, a masked mean over the real tokens, a softmax head. The
// head learns on the frozen embedding first; then everything goes on at a tenth of the rate with an L2-SP
// penalty pulling each vector back toward its GloVe start (Li et al. 2018), so 10 examples per class move
// the words they use without forgetting the rest.
// Written by hand rather than in tfjs: a step touches only the rows of the batch's words, so the embedding's
// gradient is sparse (a few hundred rows of 100 floats). tfjs computes the gather's gradient as a dense
// UnsortedSegmentSum, which has no WASM kernel and fell back to a path where 30 sentences did not fit in two
// CPU-minutes; here a 1,600-sentence fit takes about a second.
import { seededRandom, shuffled } from '../../shared/seededRandom';
import { FIRST_WORD_ID, UNKNOWN_ID } from '../data/text/textVocabulary';
import { lookupFolded } from './gloveFeatures';
import type { WordVectors } from './wordVectors';

/** Settings of a fit; the defaults were chosen on the learning-curve sets (bench/text/textCurves.ts). */
export interface TuneOptions {
  /** Adam's rate while the embedding is frozen; a tenth of it afterwards. */
  rate: number;
  frozenEpochs: number;
  tunedEpochs: number;
  /** L2-SP strength: the penalty (α/2)·‖E − E₀‖² per row a step touches. */
  alpha: number;
  /** L2 penalty on the head's weights. */
  beta: number;
  batch: number;
  seed: number;
}

export const TUNE_DEFAULTS: TuneOptions = {
  rate: 0.02,
  frozenEpochs: 40,
  tunedEpochs: 40,
  alpha: 0.01,
  beta: 1e-4,
  batch: 16,
  seed: 0,
};

/** A fitted model: the vocabulary, its (tuned) vectors and the head. */
export interface TunedModel {
  /** Words in id order from FIRST_WORD_ID. */
  words: string[];
  dims: number;
  classes: number;
  /** (FIRST_WORD_ID + words) × dims, row-major; row 0 (padding) stays zero. */
  table: Float32Array;
  /** classes × dims, row-major. */
  weights: Float32Array;
  biases: Float32Array;
}

/** Ids of tokenised texts against a vocabulary (unknown words → UNKNOWN_ID), at most `maxLength`. */
export function idsOf(ids: ReadonlyMap<string, number>, texts: readonly string[][], maxLength: number): Int32Array[] {
  return texts.map((words) => Int32Array.from(words.slice(0, maxLength), (w) => ids.get(w) ?? UNKNOWN_ID));
}

/** The GloVe start of the table: each corpus word's vector (zeros when GloVe lacks it, and for unknown). */
export function gloveTable(vectors: WordVectors, words: readonly string[]): Float32Array {
  const table = new Float32Array((FIRST_WORD_ID + words.length) * vectors.dims);
  words.forEach((w, k) => {
    const i = lookupFolded(vectors, w);
    if (i < 0) return;
    const at = (FIRST_WORD_ID + k) * vectors.dims;
    const s = vectors.scales[i];
    for (let d = 0; d < vectors.dims; d++) table[at + d] = s * vectors.values[i * vectors.dims + d];
  });
  return table;
}

/** Fits on token ids (one Int32Array per text) with labels 0…classes-1. */
export function fitTuned(
  words: string[],
  start: Float32Array,
  dims: number,
  texts: readonly Int32Array[],
  labels: readonly number[],
  classes: number,
  options: Partial<TuneOptions> = {},
): TunedModel {
  const o = { ...TUNE_DEFAULTS, ...options };
  const model: TunedModel = {
    words,
    dims,
    classes,
    table: Float32Array.from(start),
    weights: new Float32Array(classes * dims),
    biases: new Float32Array(classes),
  };
  const head = new Adam(model.weights.length + classes);
  const rows = new Adam(model.table.length);
  const random = seededRandom(o.seed);
  const order = texts.map((_, i) => i);
  const scratch = new Scratch(model);
  const headDelta = new Float64Array(model.weights.length + classes);
  const rowDelta = new Float64Array(dims);
  // While the embedding is frozen, each text pools to the same row every epoch.
  const frozen = texts.map((ids) => pool(model, ids));
  const epochs = o.frozenEpochs + o.tunedEpochs;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const tuning = epoch >= o.frozenEpochs;
    const rate = tuning ? o.rate / 10 : o.rate;
    const batches = shuffled(order, random);
    for (let at = 0; at < batches.length; at += o.batch) {
      const batch = batches.slice(at, at + o.batch);
      const g = scratch.gradients(texts, labels, batch, tuning ? undefined : frozen);
      for (let i = 0; i < model.weights.length; i++) g.head[i] += o.beta * model.weights[i];
      head.tick(rate);
      head.deltas(0, g.head, headDelta);
      for (let i = 0; i < model.weights.length; i++) model.weights[i] -= headDelta[i];
      for (let c = 0; c < classes; c++) model.biases[c] -= headDelta[model.weights.length + c];
      if (!tuning) continue;
      rows.tick(rate);
      for (const id of g.touched) {
        const base = id * dims;
        const grad = g.rows.subarray(base, base + dims);
        for (let d = 0; d < dims; d++) grad[d] += o.alpha * (model.table[base + d] - start[base + d]);
        rows.deltas(base, grad, rowDelta);
        for (let d = 0; d < dims; d++) model.table[base + d] -= rowDelta[d];
        grad.fill(0);
      }
    }
  }
  return model;
}

/** Class probabilities of each text. */
export function scoreTuned(model: TunedModel, texts: readonly Int32Array[]): Float64Array[] {
  return texts.map((ids) => {
    const p = new Float64Array(model.classes);
    forward(model, pool(model, ids), p);
    return p;
  });
}

function pool(model: TunedModel, ids: Int32Array): Float64Array {
  const out = new Float64Array(model.dims);
  for (const id of ids) {
    const base = id * model.dims;
    for (let d = 0; d < model.dims; d++) out[d] += model.table[base + d];
  }
  // A text without words pools to zeros rather than dividing by zero.
  if (ids.length > 0) for (let d = 0; d < model.dims; d++) out[d] /= ids.length;
  return out;
}

/** Softmax of the head on a pooled row, into `p`. */
function forward(model: TunedModel, x: Float64Array, p: Float64Array): void {
  const { dims, classes } = model;
  let max = -Infinity;
  for (let c = 0; c < classes; c++) {
    let z = model.biases[c];
    for (let d = 0; d < dims; d++) z += model.weights[c * dims + d] * x[d];
    p[c] = z;
    if (z > max) max = z;
  }
  let sum = 0;
  for (let c = 0; c < classes; c++) sum += p[c] = Math.exp(p[c] - max);
  for (let c = 0; c < classes; c++) p[c] /= sum;
}

/** Buffers of the gradient of a batch, reused from step to step. */
class Scratch {
  /** The head's gradient: classes × dims weights, then the biases. */
  readonly head: Float64Array;
  /** The table's gradient, non-zero in the `touched` rows only (the caller clears them). */
  readonly rows: Float64Array;
  touched: number[] = [];
  private readonly seen: Uint8Array;
  private readonly p: Float64Array;
  private readonly gx: Float64Array;

  constructor(private readonly model: TunedModel) {
    this.head = new Float64Array(model.classes * model.dims + model.classes);
    this.rows = new Float64Array(model.table.length);
    this.seen = new Uint8Array(model.table.length / model.dims);
    this.p = new Float64Array(model.classes);
    this.gx = new Float64Array(model.dims);
  }

  /** Mean cross-entropy gradients of a batch; the rows' only when `pooled` (the frozen rows) is absent. */
  gradients(texts: readonly Int32Array[], labels: readonly number[], batch: number[], pooled?: Float64Array[]) {
    const { model, head, p, gx } = this;
    const { dims, classes } = model;
    head.fill(0);
    for (const id of this.touched) this.seen[id] = 0;
    this.touched = [];
    for (const n of batch) {
      const ids = texts[n];
      const x = pooled ? pooled[n] : pool(model, ids);
      forward(model, x, p);
      p[labels[n]] -= 1;
      for (let c = 0; c < classes; c++) {
        const g = p[c] / batch.length;
        for (let d = 0; d < dims; d++) head[c * dims + d] += g * x[d];
        head[classes * dims + c] += g;
      }
      if (pooled || ids.length === 0) continue;
      // d loss / d pooled = Wᵀ(p − y); each token's row gets its share 1/length of it.
      gx.fill(0);
      for (let c = 0; c < classes; c++) {
        const g = p[c] / batch.length / ids.length;
        for (let d = 0; d < dims; d++) gx[d] += g * model.weights[c * dims + d];
      }
      for (const id of ids) {
        if (!this.seen[id]) {
          this.seen[id] = 1;
          this.touched.push(id);
        }
        const base = id * dims;
        for (let d = 0; d < dims; d++) this.rows[base + d] += gx[d];
      }
    }
    return this;
  }
}

/** Adam; `deltas` of a row updates that row's moments only (lazy Adam: rows a step does not touch keep theirs). */
class Adam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;
  /** The step's rate with both bias corrections folded in, and 1 − β₂ᵗ's root's companion ε. */
  private scaled = 0;

  constructor(size: number) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  /** Starts a step at `rate` (bias correction by the step count). */
  tick(rate: number): void {
    this.t++;
    this.scaled = (rate * Math.sqrt(1 - 0.999 ** this.t)) / (1 - 0.9 ** this.t);
  }

  /** Adam's change of `n` values from `at` given their gradient; the caller subtracts it. */
  deltas(at: number, grad: Float64Array, out: Float64Array): void {
    const { m, v, scaled } = this;
    for (let d = 0; d < grad.length; d++) {
      const i = at + d;
      const g = grad[d];
      m[i] = 0.9 * m[i] + 0.1 * g;
      v[i] = 0.999 * v[i] + 0.001 * g * g;
      out[d] = (scaled * m[i]) / (Math.sqrt(v[i]) + 1e-8);
    }
  }
}
