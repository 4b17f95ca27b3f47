// Augmented batches through the frozen bottom, kept: the first K training passes (augmented, through the
// bottom) are recorded as they stream, and each later epoch replays one of them reshuffled, so the bottom
// and the augmentation run K times instead of once per epoch (see src/shared/augmentedVariants.ts). The
// validation pass never changes (no augmentation, file order): it is recorded once and replayed.
import { reusedPass } from '../../shared/augmentedVariants';
import { seededRandom, shuffled } from '../../shared/seededRandom';
import type { Sample } from '../../shared/split';
import * as tf from '../tf';
import type { Batch, BatchSource } from './fitLoop';

/** One example of a recorded pass: the bottom's output and the one-hot target. */
interface Row {
  x: Float32Array;
  y: Float32Array;
  sample: Sample;
}

interface Pass {
  rows: Row[];
  /** Shape of one row's x (the bottom's output without the batch dimension). */
  shape: number[];
  classes: number;
  /** The batch size the pass streamed with (its first batch's rows). */
  batch: number;
}

/** Copies a batch's rows (the loop disposes the batch's tensors after its step). */
async function rowsOf(batch: Batch): Promise<{ rows: Row[]; shape: number[]; classes: number }> {
  const x = batch.x as tf.Tensor;
  const [n, ...shape] = x.shape;
  const classes = batch.y.shape[1] as number;
  const xs = ((await x.data()) as Float32Array).slice();
  const ys = ((await batch.y.data()) as Float32Array).slice();
  const width = xs.length / n;
  const rows = batch.samples.map((sample, i) => ({
    x: xs.subarray(i * width, (i + 1) * width),
    y: ys.subarray(i * classes, (i + 1) * classes),
    sample,
  }));
  return { rows, shape, classes };
}

/** Streams `source.batches(epoch)`, recording its rows; the pass is returned only when the stream completed. */
async function* recording(source: BatchSource, epoch: number, done: (p: Pass) => void): AsyncIterable<Batch> {
  const pass: Pass = { rows: [], shape: [], classes: 0, batch: 0 };
  for await (const batch of source.batches(epoch)) {
    const { rows, shape, classes } = await rowsOf(batch);
    if (pass.batch === 0) Object.assign(pass, { shape, classes, batch: rows.length });
    pass.rows.push(...rows);
    yield batch;
  }
  done(pass);
}

/** A recorded pass as batches of its own size, rows in `order`. */
function* replay(pass: Pass, order: readonly Row[]): Iterable<Batch> {
  const width = pass.shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < order.length; i += pass.batch) {
    const chunk = order.slice(i, i + pass.batch);
    const x = new Float32Array(chunk.length * width);
    const y = new Float32Array(chunk.length * pass.classes);
    chunk.forEach((r, k) => {
      x.set(r.x, k * width);
      y.set(r.y, k * pass.classes);
    });
    yield {
      x: tf.tensor(x, [chunk.length, ...pass.shape]),
      y: tf.tensor(y, [chunk.length, pass.classes]),
      samples: chunk.map((r) => r.sample),
    };
  }
}

/**
 * Training batches that record the passes of epochs 1..`variants` and replay them later, each reshuffled by
 * its epoch; `variants` 0 streams every epoch. A resumed run that starts past the kept epochs computes the
 * pass it needs from the source (same pixels: augmentation is seeded by the epoch) before replaying it.
 */
export function keptTrainingPasses(source: BatchSource, variants: number): BatchSource {
  const kept = new Map<number, Pass>();
  return {
    size: source.size,
    batchCount: source.batchCount,
    async *batches(epoch: number): AsyncIterable<Batch> {
      const reuse = reusedPass(epoch, variants);
      if (reuse === undefined) {
        if (epoch > variants) return yield* source.batches(epoch);
        return yield* recording(source, epoch, (p) => kept.set(epoch, p));
      }
      if (!kept.has(reuse)) {
        for await (const b of recording(source, reuse, (p) => kept.set(reuse, p))) tf.dispose([b.x as tf.Tensor, b.y]);
      }
      const pass = kept.get(reuse)!;
      yield* replay(pass, shuffled(pass.rows, seededRandom(epoch * 7919 + reuse)));
    },
  };
}

/** A source whose every pass is the same (validation): recorded on the first pass, replayed after. */
export function keptOnce(source: BatchSource): BatchSource {
  let kept: Pass | undefined;
  return {
    size: source.size,
    batchCount: source.batchCount,
    async *batches(epoch: number): AsyncIterable<Batch> {
      if (kept) return yield* replay(kept, kept.rows);
      yield* recording(source, epoch, (p) => (kept = p));
    },
  };
}
