// Augmented batches change every epoch, so they pass the frozen bottom: on the runtime the feature cache
// uses (ONNX Runtime), the first K passes kept and replayed by later epochs. The same run on the WASM
// executor must learn the same, the kept passes must not change the epochs that computed them, and neither
// tensors nor ONNX Runtime sessions may be left behind, also when the run is cancelled mid-epoch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Augmentation, ProgressEvent } from '../../src/shared/engineTypes';
import type { EpochMetrics } from '../../src/shared/evaluationTypes';
import { neverCancelled, type CancelSignal } from '../../src/shared/engineError';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { SkipList } from '../../src/trainer/data/batchStream';
import { splitBelowTrainable, type FrozenSplit } from '../../src/trainer/models/frozenSplit';
import { buildSourceCnn } from '../../src/trainer/models/sourceCnn';
import { FROZEN_RUNTIME_ENV, openFrozenSessions } from '../../src/trainer/runtime/frozenRuntime';
import { AUGMENTED_VARIANTS, AUGMENTED_VARIANTS_ENV } from '../../src/shared/augmentedVariants';
import * as tf from '../../src/trainer/tf';
import { imageSource } from '../../src/trainer/train/batchSources';
import { throughFrozen } from '../../src/trainer/train/frozenParts';
import { digitSamples } from '../helpers/smallData';

const PREP = { size: [28, 28] as [number, number], channels: 1 as const, scale: 'unit' as const };
const CLASSES = 5;
const BATCH = 16;
const AUGMENTATION: Augmentation = { flip: true, rotation: 10, crop: 0.1, brightness: 0.1 };

/** The source CNN with its first block frozen: the split's bottom is conv1 + pool1. */
function model(): FrozenSplit {
  const m = buildSourceCnn([28, 28], 1, CLASSES, 3);
  m.getLayer('conv1').trainable = false;
  const part = splitBelowTrainable(m);
  assert.ok(part, 'a single tensor separates the frozen first block');
  return part;
}

async function augmentedRun(
  runtime: 'onnxruntime' | 'tfjs',
  epochs: number,
  signal: CancelSignal = neverCancelled,
  variants?: number,
) {
  process.env[FROZEN_RUNTIME_ENV] = runtime;
  if (variants !== undefined) process.env[AUGMENTED_VARIANTS_ENV] = String(variants);
  const skips = new SkipList();
  const images = {
    train: imageSource(digitSamples(0, 20), PREP, CLASSES, BATCH, 1, skips, AUGMENTATION),
    validation: imageSource(digitSamples(20, 8), PREP, CLASSES, BATCH, 1, skips),
  };
  const logs: string[] = [];
  const emit = (e: ProgressEvent) => void (e.kind === 'log' && logs.push(e.message));
  const part = model();
  try {
    const common = { which: 'transfer' as const, phase: 2 as const, patience: 0, signal, emit };
    const afterEpoch = async () => '';
    const r = await throughFrozen(part, { ...common, epochs, learningRate: 0.001, afterEpoch }, images);
    return { history: r.history, cancelled: r.cancelled, logs };
  } finally {
    tf.dispose(part.top.getWeights());
    delete process.env[FROZEN_RUNTIME_ENV];
    delete process.env[AUGMENTED_VARIANTS_ENV];
  }
}

const losses = (h: EpochMetrics[]) => h.map((m) => m.loss);

test('augmented batches through the frozen bottom on ONNX Runtime train as on WASM, and leave nothing behind', async () => {
  await initBackend('wasm');
  const tensors = tf.memory().numTensors;
  // 4 epochs: by default the 4th replays the first kept pass, and the log says so and how to augment anew.
  const onnx = await augmentedRun('onnxruntime', 4);
  assert.ok(
    onnx.logs.some((l) => /up to pool1: .*onnxruntime-node/.test(l)),
    onnx.logs.join('\n'),
  );
  const replayed = `replay its output of the first ${AUGMENTED_VARIANTS} augmented epochs, reshuffled`;
  const anew = `${AUGMENTED_VARIANTS_ENV}=0 augments anew every epoch`;
  assert.ok(
    onnx.logs.some((l) => l.includes(replayed) && l.includes(anew)),
    onnx.logs.join('\n'),
  );
  const wasm = await augmentedRun('tfjs', 4);
  assert.ok(
    wasm.logs.some((l) => /up to pool1: .*tfjs/.test(l)),
    wasm.logs.join('\n'),
  );
  console.log(`losses: ONNX Runtime ${losses(onnx.history)}, WASM ${losses(wasm.history)}`);
  // The same seeds, weights and augmented pixels; only float summation order differs between runtimes.
  losses(onnx.history).forEach((l, i) => assert.ok(Math.abs(l - wasm.history[i].loss) < 1e-3, `epoch ${i + 1}`));
  assert.ok(onnx.history.at(-1)!.loss < onnx.history[0].loss, 'the top learns');
  assert.equal(openFrozenSessions(), 0, 'the ONNX Runtime session was released');
  tf.disposeVariables();
  assert.equal(tf.memory().numTensors, tensors, 'no batch tensor is left behind');
});

test('epochs past the kept passes replay them; the epochs that computed them train as without keeping', async () => {
  await initBackend('wasm');
  const tensors = tf.memory().numTensors;
  const kept = await augmentedRun('onnxruntime', 3, neverCancelled, 1);
  assert.ok(
    kept.logs.some((l) => l.includes('replay its output of the first 1 augmented epoch')),
    kept.logs.join('\n'),
  );
  const anew = await augmentedRun('onnxruntime', 3, neverCancelled, 0);
  assert.ok(!anew.logs.some((l) => l.includes('replay')), anew.logs.join('\n'));
  console.log(`losses: 1 pass kept ${losses(kept.history)}, anew every epoch ${losses(anew.history)}`);
  assert.ok(Math.abs(kept.history[0].loss - anew.history[0].loss) < 1e-6, 'epoch 1 loss');
  assert.ok(Math.abs(kept.history[0].valLoss - anew.history[0].valLoss) < 1e-6, 'epoch 1 validation');
  assert.notEqual(kept.history[1].loss, anew.history[1].loss, 'epoch 2 replays pass 1, not new pixels');
  assert.equal(openFrozenSessions(), 0);
  tf.disposeVariables();
  assert.equal(tf.memory().numTensors, tensors);
});

test('cancelled mid-epoch, the batch computed ahead is disposed and the session released', async () => {
  await initBackend('wasm');
  const tensors = tf.memory().numTensors;
  let batches = 0;
  const signal = {
    get isCancellationRequested() {
      return ++batches > 2;
    },
  };
  const run = await augmentedRun('onnxruntime', 2, signal);
  assert.equal(run.cancelled, true);
  assert.equal(openFrozenSessions(), 0);
  tf.disposeVariables();
  assert.equal(tf.memory().numTensors, tensors);
});
