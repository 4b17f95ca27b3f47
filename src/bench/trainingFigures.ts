// Benchmark figures on MobileNetV2: head training on cached features against model.fit through the frozen
// base, feature-extraction throughput, and fine-tuning steps on WASM against the pure-JS backend and
// against WASM borrowing the missing gradient kernels from the pure-JS backend.
import path from 'node:path';
import { registerBorrowedKernels } from '../trainer/backend/borrowedKernels';
import { unregisterOwnKernels } from '../trainer/backend/ownKernels';
import { registerFastGradients } from '../trainer/backend/wasmConvGradients';
import { decodeBatch, SkipList } from '../trainer/data/batchStream';
import type { Sample } from '../shared/split';
import { neverCancelled } from '../shared/engineError';
import { withBaseAtCut } from '../trainer/models/baseAtCut';
import { DEFAULT_BASE } from '../shared/recipeDefaults';
import { featureSource } from '../trainer/train/batchSources';
import { baseCut, featuresAtCut } from '../trainer/train/featureCache';
import { compileForTraining, fit } from '../trainer/train/fitLoop';
import { extraThreads } from '../trainer/parallel/featurePool';
import * as tf from '../trainer/tf';
import { faster, higher, timed, type Figure } from './measure';

const PREP = { size: [224, 224] as [number, number], channels: 3 as const, scale: 'unit' as const };

/** The whole sample list as one batch of base-sized pixels and one-hot labels, for model.fit and trainOnBatch. */
async function pixelBatch(samples: Sample[], classes: number, skips: SkipList) {
  const batch = await decodeBatch(samples, PREP, skips);
  const x = tf.tensor4d(batch.pixels, [batch.samples.length, 224, 224, 3]);
  const labels = tf.tensor1d(
    batch.samples.map((s) => s.label),
    'int32',
  );
  const y = tf.oneHot(labels, classes);
  labels.dispose();
  return { x, y };
}

export async function headVersusFit(
  samples: Sample[],
  classes: number,
  cacheDir: string,
  epochs: number,
): Promise<Figure[]> {
  const choice = { defaultLayer: 'out_relu', classes, seed: 1 };
  return withBaseAtCut(DEFAULT_BASE, cacheDir, choice, async ({ base, model: tm }) => {
    const skips = new SkipList();
    // No worker threads (no modelJsonPath): the model.fit it is compared with runs on one.
    const cut = { ...baseCut(base, tm.features, 'out_relu', tm.pooling), modelJsonPath: undefined };
    const extraction = await timed(() =>
      featuresAtCut(cut, {
        cacheDir: path.join(cacheDir, `cold-${Date.now()}`),
        samples,
        batchSize: 16,
        skips,
        signal: neverCancelled,
        emit: () => undefined,
      }),
    );
    const source = featureSource(samples, extraction.value.features, tm.featureShape, classes, 8, 1);
    const head = await timed(() =>
      fit({
        model: tm.head,
        which: 'transfer',
        phase: 1,
        epochs,
        learningRate: 0.001,
        patience: 0,
        train: source,
        validation: featureSource([], extraction.value.features, tm.featureShape, classes, 16, 1),
        signal: neverCancelled,
        emit: () => undefined,
        afterEpoch: async () => '',
      }),
    );
    // Baseline: the same model and data through plain model.fit, which runs the frozen base every epoch (and
    // keeps its activations for the backward pass: batch 16 already exhausts the WASM heap, so both use 8).
    const { x, y } = await pixelBatch(samples, classes, skips);
    compileForTraining(tm.full, 0.001);
    const plain = await timed(() => tm.full.fit(x, y, { epochs, batchSize: 8, verbose: 0 }));
    tf.dispose([x, y]);
    const n = `${samples.length} images, ${epochs} epochs`;
    return [
      faster(
        'head training on cached features vs model.fit through frozen base',
        head.seconds,
        plain.seconds,
        20,
        `${n}; cache warm`,
      ),
      faster(
        'same, including the one-time feature extraction',
        extraction.seconds + head.seconds,
        plain.seconds,
        undefined,
        `${n}; cache cold`,
      ),
    ];
  });
}

export async function extractionThroughput(samples: Sample[], cacheDir: string): Promise<Figure> {
  const choice = { defaultLayer: 'out_relu', classes: 2, seed: 1 };
  return withBaseAtCut(DEFAULT_BASE, cacheDir, choice, async ({ base, model: tm }) => {
    const skips = new SkipList();
    const cut = baseCut(base, tm.features, 'out_relu', tm.pooling);
    const ours = await timed(() =>
      featuresAtCut(cut, {
        cacheDir: path.join(cacheDir, `tp-${Date.now()}`),
        samples,
        batchSize: 16,
        skips,
        signal: neverCancelled,
        emit: () => undefined,
      }),
    );
    // Baseline: the unmodified model on stock WASM, decoding then predicting batch after batch (no overlap).
    const plain = await timed(async () => {
      for (let i = 0; i < samples.length; i += 16) {
        const b = await decodeBatch(samples.slice(i, i + 16), PREP, skips);
        const out = tf.tidy(
          () => base.model.predict(tf.tensor4d(b.pixels, [b.samples.length, 224, 224, 3])) as tf.Tensor,
        );
        await out.data();
        out.dispose();
      }
    });
    return higher(
      'feature extraction throughput at 224×224, decoding included',
      samples.length / ours.seconds,
      samples.length / plain.seconds,
      'img/s',
      2.5,
      `ours: ${ours.value.runtime}, decoding overlapped, ${extraThreads() + 1} thread(s); baseline: unmodified model, one thread`,
    );
  });
}

/** One fine-tuning step with the last two blocks of MobileNetV2 trainable, on the current kernel set. */
async function fineTuneStep(samples: Sample[], classes: number, cacheDir: string, warmUp: boolean): Promise<number> {
  const choice = { freeze: { freezeUpTo: 'block_14_add' }, defaultLayer: 'out_relu', classes, seed: 1 };
  return withBaseAtCut(DEFAULT_BASE, cacheDir, choice, async ({ model: tm }) => {
    const { x, y } = await pixelBatch(samples, classes, new SkipList());
    compileForTraining(tm.full, 0.0001);
    if (warmUp) await tm.full.trainOnBatch(x, y);
    const step = await timed(() => tm.full.trainOnBatch(x, y));
    tf.dispose([x, y]);
    return step.seconds;
  });
}

export async function fineTuneFigures(samples: Sample[], classes: number, cacheDir: string): Promise<Figure[]> {
  const FAST = ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'];
  const ours = await fineTuneStep(samples, classes, cacheDir, true);
  unregisterOwnKernels('fast');
  registerBorrowedKernels(FAST);
  let borrowed: number;
  try {
    borrowed = await fineTuneStep(samples, classes, cacheDir, true);
  } finally {
    unregisterOwnKernels('borrowed');
    registerFastGradients();
    registerBorrowedKernels();
  }
  await tf.setBackend('cpu');
  let cpu: number;
  try {
    cpu = await fineTuneStep(samples, classes, cacheDir, false);
  } finally {
    await tf.setBackend('wasm');
  }
  const n = `batch ${samples.length}, blocks 15–16 + Conv_1 trainable`;
  return [
    faster('fine-tuning step, ours on WASM vs pure-JS cpu backend', ours, cpu, 5, n),
    faster('fine-tuning step, our WASM gradient kernels vs WASM borrowing them from cpu', ours, borrowed, 5, n),
  ];
}
