// A second kind of data that exists only in the tests: short sequences of integer token ids with a mask (the
// shape text has), read from one file per example. It proves that the engine's generic parts reach a kind only
// through the data-kind seam (src/trainer/data/kinds/dataKind.ts).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DatasetScan } from '../../src/shared/engineTypes';
import { ExampleProblem, type DataKind, type DecodedBatch } from '../../src/trainer/data/kinds/dataKind';
import * as tf from '../../src/trainer/tf';

export interface SequenceInput {
  kind: 'test-sequence';
  maxLength: number;
  vocabulary: number;
}

export const LENGTH = 6;
export const VOCABULARY = 12;

/** One example per file: token ids separated by spaces. */
export const sequenceKind: DataKind<SequenceInput> = {
  kind: 'test-sequence',
  noun: 'sequences',
  list: async (source): Promise<DatasetScan> => ({
    root: source,
    classes: fs
      .readdirSync(source)
      .sort()
      .map((name) => ({
        name,
        files: fs
          .readdirSync(path.join(source, name))
          .sort()
          .map((f) => path.join(source, name, f)),
      })),
    skipped: [],
    warnings: [],
  }),
  fit: async (spec) => spec,
  inputs: (spec) => [
    { name: 'ids', dtype: 'int32', shape: [spec.maxLength] },
    { name: 'mask', dtype: 'float32', shape: [spec.maxLength] },
  ],
  async decode(samples, spec, skips): Promise<DecodedBatch> {
    const rows: { sample: (typeof samples)[number]; ids: number[] }[] = [];
    for (const sample of samples) {
      const ids = fs.readFileSync(sample.path, 'utf8').trim().split(/\s+/).map(Number);
      try {
        if (ids.some((t) => !Number.isInteger(t) || t < 1 || t >= spec.vocabulary))
          throw new ExampleProblem('a token id is outside the vocabulary');
        rows.push({ sample, ids: ids.slice(0, spec.maxLength) });
      } catch (e) {
        if (!(e instanceof ExampleProblem)) throw e;
        skips.add(sample.path, e.message);
      }
    }
    const n = rows.length;
    const ids = new Int32Array(n * spec.maxLength);
    const mask = new Float32Array(n * spec.maxLength);
    rows.forEach((r, i) =>
      r.ids.forEach((t, j) => {
        ids[i * spec.maxLength + j] = t;
        mask[i * spec.maxLength + j] = 1;
      }),
    );
    return {
      inputs: [
        { name: 'ids', dtype: 'int32', data: ids, shape: [n, spec.maxLength] },
        { name: 'mask', dtype: 'float32', data: mask, shape: [n, spec.maxLength] },
      ],
      samples: rows.map((r) => r.sample),
    };
  },
  // Content-addressed, as every kind's example key is: an edited file is a new example for the feature cache.
  exampleKey: async (sample) => createHash('sha256').update(fs.readFileSync(sample.path)).digest('hex').slice(0, 32),
  cacheKeyParts: (spec) => [spec.maxLength, spec.vocabulary],
  batchBytes: (spec, batchSize) => batchSize * spec.maxLength * 8,
  describe: (spec) => `${spec.maxLength} tokens`,
  randomInputs: (spec, count) => [
    tf.randomUniform([count, spec.maxLength], 1, spec.vocabulary, 'int32'),
    tf.ones([count, spec.maxLength]),
  ],
  preview: async (paths) => paths.map((p) => ({ path: p, src: '', text: fs.readFileSync(p, 'utf8') })),
  baselines: async () => [],
};

/** Class "low" uses tokens 1–5, class "high" tokens 6–11, lengths 2–6 (padding where shorter); one bad file. */
export function writeSequenceData(work: string): string {
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (const [name, lo, hi] of [
    ['high', 6, 11],
    ['low', 1, 5],
  ] as const) {
    fs.mkdirSync(path.join(work, 'data', name), { recursive: true });
    for (let i = 0; i < 40; i++) {
      const length = 2 + Math.floor(random() * (LENGTH - 1));
      const ids = Array.from({ length }, () => lo + Math.floor(random() * (hi - lo + 1)));
      fs.writeFileSync(path.join(work, 'data', name, `${i}.txt`), ids.join(' '));
    }
  }
  fs.writeFileSync(path.join(work, 'data', 'low', 'bad.txt'), '1 99 2');
  return path.join(work, 'data');
}

/** Embedding of the ids, averaged over the mask, then softmax: a model with two inputs. */
export function sequenceModel(): tf.LayersModel {
  const ids = tf.input({ shape: [LENGTH], dtype: 'int32', name: 'ids' });
  const mask = tf.input({ shape: [LENGTH], name: 'mask' });
  const vectors = tf.layers
    .embedding({
      inputDim: VOCABULARY,
      outputDim: 4,
      embeddingsInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    })
    .apply(ids) as tf.SymbolicTensor;
  // repeatVector gives [batch, 4, LENGTH]: permuted to [batch, LENGTH, 4], it zeroes the padding's vectors.
  const maskPerDim = tf.layers
    .permute({ dims: [2, 1] })
    .apply(tf.layers.repeatVector({ n: 4 }).apply(mask) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const kept = tf.layers.multiply().apply([vectors, maskPerDim]) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling1d().apply(kept) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) })
    .apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: [ids, mask], outputs: out });
}
