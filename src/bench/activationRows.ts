// Activations of a frozen part kept as rows, for evaluations that train or score the same images many times
// (augmentedQuality.ts): computed once on the frozen runtime, then served as batches or scored by a top.
import fs from 'node:fs';
import type { Preprocessing } from '../shared/engineTypes';
import { neverCancelled } from '../shared/engineError';
import type { Sample } from '../shared/split';
import { SkipList } from '../trainer/data/batchStream';
import type { FrozenSplit } from '../trainer/models/frozenSplit';
import { startFrozenRunner } from '../trainer/runtime/frozenRuntime';
import * as tf from '../trainer/tf';
import { featureSource, imageSource } from '../trainer/train/batchSources';
import { validate, type BatchSource } from '../trainer/train/fitLoop';
import { frozenRunnerSource } from '../trainer/train/frozenRunnerSource';

/** Images' activations at a part's boundary, by path, with the images in order and their classes. */
export interface ActivationRows {
  samples: Sample[];
  features: Map<string, Float32Array>;
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
  const rows: ActivationRows = { samples: [], features: new Map(), shape, classes };
  const skips = new SkipList();
  const runner = await startFrozenRunner(part.bottom);
  try {
    const source = frozenRunnerSource(imageSource(samples, prep, classes, 32, 0, skips), runner, shape);
    for await (const b of source.batches(1)) {
      const x = (await (b.x as tf.Tensor).data()) as Float32Array;
      b.samples.forEach((s, i) => {
        rows.features.set(s.path, x.slice(i * width, (i + 1) * width));
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

/** The rows as batches of `batch`: in order at epoch 0 (validation, scoring), else reshuffled by `seed`. */
export const rowSource = (rows: ActivationRows, batch: number, seed = 0): BatchSource =>
  featureSource(rows.samples, rows.features, rows.shape, rows.classes, batch, seed);

/** The share of `rows` that `top` classifies right. */
export async function accuracyOf(top: tf.LayersModel, rows: ActivationRows): Promise<number> {
  return (await validate(top, rowSource(rows, 64), neverCancelled)).accuracy;
}

/** `compute()`'s rows, kept in `file` (.json beside .bin) so a later process of the same evaluation reads them. */
export async function storedRows(file: string, compute: () => Promise<ActivationRows>): Promise<ActivationRows> {
  if (fs.existsSync(`${file}.json`) && fs.existsSync(`${file}.bin`)) {
    const meta = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as Omit<ActivationRows, 'features'>;
    const bytes = fs.readFileSync(`${file}.bin`);
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    const width = meta.shape.reduce((a, b) => a * b, 1);
    if (all.length !== width * meta.samples.length)
      throw new Error(`${file}.bin: ${all.length} values, not ${width} per row`);
    const features = new Map(meta.samples.map((s, i) => [s.path, all.subarray(i * width, (i + 1) * width)]));
    return { ...meta, features };
  }
  const rows = await compute();
  const { features, ...meta } = rows;
  const x = rows.samples.map((s) => features.get(s.path)!);
  fs.writeFileSync(`${file}.bin`, Buffer.concat(x.map((r) => Buffer.from(r.buffer, r.byteOffset, r.byteLength))));
  fs.writeFileSync(`${file}.json`, JSON.stringify(meta));
  return rows;
}
