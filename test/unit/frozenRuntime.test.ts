// The frozen part on ONNX Runtime must store the same features as the WASM executor (the cache is shared by
// both), fall back to WASM when our exporter refuses a layer, and release every session it opens.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { CancelledError, neverCancelled, type CancelSignal } from '../../src/shared/engineError';
import type { Preprocessing } from '../../src/shared/engineTypes';
import { imageInput } from '../../src/shared/inputSpec';
import type { Sample } from '../../src/shared/split';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { SkipList } from '../../src/trainer/data/batchStream';
import { loadBase } from '../../src/trainer/models/baseModel';
import { openFrozenSessions, startFrozenRunner } from '../../src/trainer/runtime/frozenRuntime';
import * as tf from '../../src/trainer/tf';
import { cachedFeatures } from '../../src/trainer/train/featureCache';
import { fixture, tempDir } from '../helpers/fixtures';

// Both runtimes compute in float32 with different summation orders (ONNX Runtime also folds BatchNorm its own
// way): on MobileNetV2 the largest difference seen was 4e-5 on activations up to 6. Allowed: 1e-3 of the
// largest activation, far below any difference a classifier head could act on, far above float32 noise.
const RELATIVE_TOLERANCE = 1e-3;

const cacheDir = tempDir('frozen-runtime');
let base: tf.LayersModel;
let prep: Preprocessing;

/** Real images: the photos fixture and a few scikit-learn digits (grayscale, expanded to RGB by decoding). */
function images(): Sample[] {
  const photos = fs.readdirSync(fixture('photos')).map((f) => path.join(fixture('photos'), f));
  const digits = fixture('sklearn-digits');
  const someDigits = fs
    .readdirSync(digits, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .slice(0, 3)
    .map((d) => d.name)
    .map((d) => path.join(digits, d, fs.readdirSync(path.join(digits, d)).sort()[0]));
  return [...photos, ...someDigits].map((p, i) => ({ path: p, label: i % 2 }));
}

function cut(layer: string, pool: boolean): tf.LayersModel {
  const out = base.getLayer(layer).getOutputAt(0) as tf.SymbolicTensor;
  const pooled = pool ? (tf.layers.globalAveragePooling2d({}).apply(out) as tf.SymbolicTensor) : out;
  return tf.model({ inputs: base.inputs, outputs: pooled });
}

async function features(
  model: tf.LayersModel,
  runtime: 'onnxruntime' | 'tfjs',
  signal: CancelSignal = neverCancelled,
  log: string[] = [],
) {
  return cachedFeatures({
    samples: images(),
    model,
    input: imageInput(prep),
    folder: tempDir(`features-${runtime}`),
    batchSize: 4,
    skips: new SkipList(),
    signal,
    emit: (e) => (e.kind === 'log' ? log.push(e.message) : undefined),
    runtime,
  });
}

before(async () => {
  await initBackend('wasm');
  const loaded = await loadBase('mobilenet_v2', cacheDir);
  base = loaded.model;
  prep = loaded.description.preprocessing;
});

for (const [layer, pool] of [
  ['out_relu', true],
  ['block_14_add', false],
] as const) {
  test(`MobileNetV2 up to ${layer}${pool ? ' + average pooling' : ''}: ONNX Runtime agrees with WASM`, async (t) => {
    const model = cut(layer, pool);
    const ort = await features(model, 'onnxruntime');
    const wasm = await features(model, 'tfjs');
    assert.match(ort.runtime ?? '', /onnxruntime-node/);
    assert.match(wasm.runtime ?? '', /tfjs/);
    assert.equal(ort.features.size, wasm.features.size);
    assert.ok(wasm.features.size >= 6, `${wasm.features.size} images decoded`);
    let largest = 0;
    let worst = 0;
    for (const [file, expected] of wasm.features) {
      const got = ort.features.get(file)!;
      assert.equal(got.length, expected.length, file);
      expected.forEach((v, i) => {
        largest = Math.max(largest, Math.abs(v));
        worst = Math.max(worst, Math.abs(v - got[i]));
      });
    }
    assert.ok(largest > 0, 'the features are not all zero');
    t.diagnostic(`${layer}: largest difference ${worst} of activations up to ${largest}`);
    assert.ok(worst <= RELATIVE_TOLERANCE * largest, `largest difference ${worst} of activations up to ${largest}`);
    assert.equal(openFrozenSessions(), 0);
  });
}

test('a layer the exporter refuses: auto falls back to WASM, an explicit onnxruntime fails', async () => {
  const input = tf.input({ shape: [8, 8, 3] });
  const up = tf.layers.upSampling2d({ size: [2, 2] }).apply(input) as tf.SymbolicTensor;
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, trainable: false }).apply(up) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: conv });
  const runner = await startFrozenRunner(model, 'auto');
  try {
    assert.equal(runner.runtime, 'tfjs');
    assert.match(runner.detail, /UpSampling2D/);
    const out = await runner.run([
      { name: 'pixels', dtype: 'float32', data: new Float32Array(2 * 8 * 8 * 3).fill(0.5), shape: [2, 8, 8, 3] },
    ]);
    assert.equal(out.length, 2 * 14 * 14 * 4);
  } finally {
    await runner.dispose();
  }
  await assert.rejects(startFrozenRunner(model, 'onnxruntime'), /UpSampling2D/);
  assert.equal(openFrozenSessions(), 0);
  model.dispose();
});

test('a cancelled extraction releases its ONNX Runtime session', async () => {
  let batches = 0;
  const signal = {
    get isCancellationRequested() {
      return ++batches > 1; // the first check passes, a later one cancels
    },
  };
  const log: string[] = [];
  await assert.rejects(features(cut('block_2_add', false), 'onnxruntime', signal, log), CancelledError);
  assert.ok(
    log.some((l) => l.includes('onnxruntime-node')),
    'the session was open when the run was cancelled',
  );
  assert.equal(openFrozenSessions(), 0);
});
