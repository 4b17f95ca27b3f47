// Activations of a frozen part kept as rows, for evaluations that train or score the same images many times
// (augmentedQuality.ts): computed once on the frozen runtime, then served as batches or scored by a top.
import fs from 'node:fs';
import type { Preprocessing } from '../shared/engineTypes';
import { seededRandom, shuffled } from '../shared/seededRandom';
import type { Sample } from '../shared/split';
import { SkipList } from '../trainer/data/batchStream';
import type { FrozenSplit } from '../trainer/models/frozenSplit';
import { startFrozenRunner } from '../trainer/runtime/frozenRuntime';
import * as tf from '../trainer/tf';
import { imageSource } from '../trainer/train/batchSources';
import type { BatchSource } from '../trainer/train/fitLoop';
import { frozenRunnerSource } from '../trainer/train/frozenRunnerSource';

/** One image's activations at a part's boundary, with its class. */
export interface ActivationRows {
  x: Float32Array[];
  labels: number[];
  samples: Sample[];
  /** One row's shape (no batch dimension). */
  shape: number[];
  classes: number;
}

/** `samples` (not augmented) through `part`'s bottom, once. */
export async function activationRows(
  part: FrozenSplit,
  samples: readonly Sample[],
  prep: Preprocessing,
  classes: number,
): Promise<ActivationRows> {
  const shape = part.bottom.outputs[0].shape.slice(1) as number[];
  const width = shape.reduce((a, b) => a * b, 1);
  const rows: ActivationRows = { x: [], labels: [], samples: [], shape, classes };
  const skips = new SkipList();
  const runner = await startFrozenRunner(part.bottom);
  try {
    const source = frozenRunnerSource(imageSource(samples, prep, classes, 32, 0, skips), runner, shape);
    for await (const b of source.batches(1)) {
      const x = (await (b.x as tf.Tensor).data()) as Float32Array;
      b.samples.forEach((s, i) => {
        rows.x.push(x.slice(i * width, (i + 1) * width));
        rows.labels.push(s.label);
        rows.samples.push(s);
      });
      tf.dispose([b.x as tf.Tensor, b.y]);
    }
  } finally {
    await runner.dispose();
  }
  if (skips.entries.length > 0) throw new Error(`${skips.entries[0].path}: ${skips.entries[0].reason}`);
  return rows;
}

/** The rows as batches of `batch`, reshuffled every epoch by `seed` when `seed` is given, else in order. */
export function rowSource(rows: ActivationRows, batch: number, seed?: number): BatchSource {
  const n = rows.x.length;
  const width = rows.x[0]?.length ?? 0;
  return {
    size: n,
    batchCount: Math.ceil(n / batch),
    async *batches(epoch: number) {
      const order = Array.from({ length: n }, (_, i) => i);
      const ids = seed === undefined ? order : shuffled(order, seededRandom(seed * 7919 + epoch));
      for (let start = 0; start < n; start += batch) {
        const chunk = ids.slice(start, start + batch);
        const x = new Float32Array(chunk.length * width);
        chunk.forEach((id, k) => x.set(rows.x[id], k * width));
        yield {
          x: tf.tensor(x, [chunk.length, ...rows.shape]),
          y: tf.tidy(() =>
            tf.cast(
              tf.oneHot(
                tf.tensor1d(
                  chunk.map((id) => rows.labels[id]),
                  'int32',
                ),
                rows.classes,
              ),
              'float32',
            ),
          ),
          samples: chunk.map((id) => rows.samples[id]),
        };
      }
    },
  };
}

/** The share of `rows` that `top` classifies right. */
export async function accuracyOf(top: tf.LayersModel, rows: ActivationRows): Promise<number> {
  let right = 0;
  for await (const b of rowSource(rows, 64).batches(1)) {
    const hits = tf.tidy(() => {
      const guess = tf.argMax(top.predict(b.x as tf.Tensor) as tf.Tensor, 1);
      return tf.sum(tf.equal(guess, tf.argMax(b.y, 1)));
    });
    right += (await hits.data())[0];
    tf.dispose([hits, b.x as tf.Tensor, b.y]);
  }
  return right / rows.x.length;
}

/** `compute()`'s rows, kept in `file` (.json beside .bin) so a later process of the same evaluation reads them. */
export async function storedRows(file: string, compute: () => Promise<ActivationRows>): Promise<ActivationRows> {
  if (fs.existsSync(`${file}.json`) && fs.existsSync(`${file}.bin`)) {
    const meta = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as Omit<ActivationRows, 'x'>;
    const bytes = fs.readFileSync(`${file}.bin`);
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    const width = meta.shape.reduce((a, b) => a * b, 1);
    if (all.length !== width * meta.labels.length)
      throw new Error(`${file}.bin: ${all.length} values, not ${width} per row`);
    return { ...meta, x: meta.labels.map((_, i) => all.subarray(i * width, (i + 1) * width)) };
  }
  const rows = await compute();
  const { x, ...meta } = rows;
  fs.writeFileSync(`${file}.bin`, Buffer.concat(x.map((r) => Buffer.from(r.buffer, r.byteOffset, r.byteLength))));
  fs.writeFileSync(`${file}.json`, JSON.stringify(meta));
  return rows;
}
