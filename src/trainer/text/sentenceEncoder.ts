// The user's own sentence encoder as a frozen text base: a sentence-transformers folder with an ONNX export
// (model.onnx, or onnx/model.onnx as sentence-transformers writes it), tokenizer.json and the metadata that
// says how to pool. onnxruntime-node runs the transformer; tokenizing, pooling and normalising happen here,
// as sentence-transformers does them. The content key names the model, tokenizer and metadata together, so
// cached vectors follow the files rather than the folder's name.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { EngineError } from '../../shared/engineError';
import { LIMITS } from '../../shared/limits';
import { ENCODER_MODEL_PLACES } from '../../shared/text/encoderFolder';
import { encoderMeta, type EncoderMeta, type EncoderMetaFiles } from '../../shared/text/encoderMeta';
import { plural } from '../../shared/plural';
import { readJsonFile, regularFileProblem } from '../io/boundedRead';
import { extraThreads } from '../parallel/featurePool';
import { encoderTokenizer, type EncoderTokenizer, type TokenIds } from './encoderTokenizer';
import { poolTokens } from './encoderPooling';

/** Texts per onnxruntime call: MiniLM's usual batch, and what the bench measures. */
export const ENCODER_BATCH = 32;
/**
 * How the session runs, given to the bench's Python peer too: one intra-op thread per core we may use
 * (TRANSFER_STUDIO_THREADS overrides), as for the frozen image part. onnxruntime's own default started no thread
 * beside the caller on this project's 2-core machines (Node and Python alike): half the speed. Waiting threads
 * sleep rather than spin, so tokenising between batches and other work on a busy machine keep their core:
 * spinning gained about 2 % in the queue (median 3.86 against 3.95 s for 288 e-mails, 6 of 8 pairs), too little
 * to take the cores from whatever else runs beside the editor.
 */
export function encoderThreading(): { threads: number; spinning: boolean } {
  return { threads: extraThreads() + 1, spinning: false };
}
/** Output names that hold token embeddings, in the order we look for them. */
const TOKEN_OUTPUTS = ['token_embeddings', 'last_hidden_state'];
// A require esbuild does not follow: onnxruntime-node is native (as in frozenRuntime.ts).
const runtimeRequire = createRequire(__filename);

export interface SentenceEncoder {
  /** The folder, absolute. */
  source: string;
  /** Hash of model, tokenizer and metadata. */
  key: string;
  meta: EncoderMeta;
  padId: number;
  unknownId: number;
  /** Bytes of model.onnx. */
  bytes: number;
  /** One line for the log: the runtime and what the metadata said. */
  detail: string;
  /** One vector per text, in order. */
  encode(texts: readonly string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

/** The files of an encoder folder, checked; throws an EngineError naming the folder and what is missing. */
export function encoderFiles(folder: string): { model: string; tokenizer: string; metaFiles: EncoderMetaFiles } {
  const problem = (why: string) => new EngineError(`${folder}: not an ONNX sentence encoder (${why}).`);
  if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw problem('not a folder');
  const model = ENCODER_MODEL_PLACES.map((p) => path.join(folder, p)).find((p) => fs.existsSync(p));
  if (!model) throw problem(`no ${ENCODER_MODEL_PLACES.join(' or ')}`);
  const tooBig = regularFileProblem(model, LIMITS.maxEncoderModelBytes);
  if (tooBig) throw new EngineError(`${model}: ${tooBig}.`);
  const tokenizer = path.join(folder, 'tokenizer.json');
  if (!fs.existsSync(tokenizer)) throw problem('no tokenizer.json');
  const json = (name: string) => {
    const file = path.join(folder, name);
    return fs.existsSync(file) ? readJsonFile(file, LIMITS.maxJsonFileBytes, 'encoder metadata') : undefined;
  };
  const modules = json('modules.json');
  const poolingDir = Array.isArray(modules)
    ? (modules as { type?: string; path?: string }[]).find((m) => /Pooling$/.test(m.type ?? ''))?.path
    : undefined;
  return {
    model,
    tokenizer,
    metaFiles: {
      modules,
      pooling: json(path.join(poolingDir ?? '1_Pooling', 'config.json')),
      sentenceBert: json('sentence_bert_config.json'),
      tokenizerConfig: json('tokenizer_config.json'),
    },
  };
}

function contentKey(model: string, tokenizerText: string, meta: EncoderMeta): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(model, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    for (let n = 0, at = 0; (n = fs.readSync(fd, chunk, 0, chunk.length, at)) > 0; at += n) {
      hash.update(chunk.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.update(tokenizerText).update(JSON.stringify(meta)).digest('hex').slice(0, 32);
}

export async function openSentenceEncoder(folder: string): Promise<SentenceEncoder> {
  const source = path.resolve(folder);
  const files = encoderFiles(source);
  let meta: EncoderMeta;
  try {
    meta = encoderMeta(files.metaFiles);
  } catch (e) {
    throw new EngineError(`${source}: ${(e as Error).message}.`);
  }
  const tokenizerJson = readJsonFile(files.tokenizer, LIMITS.maxTokenizerJsonBytes, 'tokenizer') as object;
  let tokenizer: EncoderTokenizer;
  try {
    tokenizer = encoderTokenizer(tokenizerJson, (files.metaFiles.tokenizerConfig ?? {}) as object, meta.maxLength);
  } catch (e) {
    throw new EngineError(`${files.tokenizer}: cannot be used (${(e as Error).message}).`);
  }
  const key = contentKey(files.model, JSON.stringify(tokenizerJson), meta);
  const ort = runtimeRequire('onnxruntime-node') as typeof Ort;
  const { threads, spinning } = encoderThreading();
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(files.model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' } } },
    });
  } catch (e) {
    throw new EngineError(`${files.model}: onnxruntime cannot load it (${(e as Error).message.split('\n')[0]}).`);
  }
  const missing = ['input_ids', 'attention_mask'].filter((n) => !session.inputNames.includes(n));
  const output = TOKEN_OUTPUTS.find((n) => session.outputNames.includes(n)) ?? session.outputNames[0];
  if (missing.length > 0) {
    await session.release();
    throw new EngineError(`${files.model}: no input ${missing.join(', ')} (a sentence-transformers export has both).`);
  }
  const run = (batch: TokenIds[]) => runBatch(ort, session, output, batch, meta);
  return {
    source,
    key,
    meta,
    bytes: fs.statSync(files.model).size,
    padId: tokenizer.padId,
    unknownId: tokenizer.unknownId,
    detail: `${path.basename(source)} on onnxruntime-node (CPU, ${plural(threads, 'thread')}), ${meta.poolings.join('+')} pooling${meta.normalize ? ', normalised' : ''}, at most ${meta.maxLength} tokens`,
    encode: (texts) => encodeAll(texts, (t) => tokenizer.encode(t), run),
    dispose: () => session.release(),
  };
}

/**
 * Batches of similar length (less padding; characters stand in for tokens), vectors put back in the texts'
 * order. One batch at a time: onnxruntime-node's run blocks the JavaScript thread (its promise only defers the
 * call), so tokenising the next batch could not overlap it anyway.
 */
async function encodeAll(
  texts: readonly string[],
  tokenize: (text: string) => TokenIds,
  run: (batch: TokenIds[]) => Promise<Float32Array[]>,
): Promise<Float32Array[]> {
  const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
  const out: Float32Array[] = new Array<Float32Array>(texts.length);
  for (let at = 0; at < order.length; at += ENCODER_BATCH) {
    const rows = order.slice(at, at + ENCODER_BATCH);
    const vectors = await run(rows.map((i) => tokenize(texts[i])));
    vectors.forEach((v, k) => (out[rows[k]] = v));
  }
  return out;
}

async function runBatch(
  ort: typeof Ort,
  session: Ort.InferenceSession,
  output: string,
  batch: TokenIds[],
  meta: EncoderMeta,
): Promise<Float32Array[]> {
  const count = batch.length;
  const length = Math.max(1, ...batch.map((t) => t.ids.length));
  const ids = new BigInt64Array(count * length);
  const mask = new BigInt64Array(count * length);
  const types = new BigInt64Array(count * length);
  batch.forEach((t, r) =>
    t.ids.forEach((id, k) => {
      ids[r * length + k] = BigInt(id);
      mask[r * length + k] = 1n;
      types[r * length + k] = BigInt(t.types[k] ?? 0);
    }),
  );
  const feeds: Record<string, Ort.Tensor> = {
    input_ids: new ort.Tensor('int64', ids, [count, length]),
    attention_mask: new ort.Tensor('int64', mask, [count, length]),
  };
  if (session.inputNames.includes('token_type_ids')) {
    feeds.token_type_ids = new ort.Tensor('int64', types, [count, length]);
  }
  const result = await session.run(feeds, [output]);
  const tensor = result[output];
  if (tensor.dims.length !== 3 || tensor.dims[0] !== count || tensor.dims[1] !== length) {
    throw new EngineError(`output ${output} has shape [${tensor.dims.join(', ')}], not [texts, tokens, width].`);
  }
  const embeddings = tensor.data as Float32Array;
  const vectors = poolTokens({ embeddings, mask, count, length, width: tensor.dims[2] }, meta);
  tensor.dispose();
  return vectors;
}
