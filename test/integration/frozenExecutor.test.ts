// BatchNorm folding changes how a frozen base computes, never what: folded and plain outputs must agree.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { SkipList, decodeBatch } from '../../src/trainer/data/batchStream';
import { loadBase } from '../../src/trainer/models/baseModel';
import { disposeModels } from '../../src/trainer/models/disposeModels';
import { resolveFreezePlan } from '../../src/shared/freezePlan';
import { compileFrozen } from '../../src/trainer/models/frozenExecutor';
import { buildTransferModel } from '../../src/trainer/models/transferModel';
import * as tf from '../../src/trainer/tf';
import { fixture, tempDir } from '../helpers/fixtures';

// Tolerance: float32 reassociation of the BatchNorm arithmetic; relative to the largest output value.
const TOLERANCE = 1e-4;

test('MobileNetV2 with BatchNorm folded into its convolutions matches the plain model on real images', async () => {
  await initBackend('wasm');
  const base = await loadBase('mobilenet_v2', tempDir('fold'));
  for (const layer of ['out_relu', 'block_6_expand_relu']) {
    const plan = resolveFreezePlan(base.description.layers, { featureLayer: layer }, 'out_relu');
    const tm = buildTransferModel(base.model, plan, { pooling: 'avg' }, 2, 1);
    const folded = compileFrozen(tm.features);
    // Colour photos from python3-skimage when prepare-fixtures could fetch them, else Fashion-MNIST images.
    const folder = fs.existsSync(fixture('photos')) ? fixture('photos') : path.join(fixture('fashion-small'), 'bag');
    const photos = fs
      .readdirSync(folder)
      .filter((f) => !f.startsWith('.'))
      .slice(0, 8)
      .map((f) => ({ path: path.join(folder, f), label: 0 }));
    const batch = await decodeBatch(photos, { size: [224, 224], channels: 3, scale: 'unit' }, new SkipList());
    const x = tf.tensor4d(batch.pixels, [batch.samples.length, 224, 224, 3]);
    const before = tf.memory().numTensors;
    const a = await (tm.features.predict(x) as tf.Tensor).data();
    const outB = folded.predict(x);
    const b = await outB.data();
    outB.dispose();
    let maxDiff = 0,
      maxAbs = 0;
    a.forEach((v, i) => {
      maxDiff = Math.max(maxDiff, Math.abs(v - b[i]));
      maxAbs = Math.max(maxAbs, Math.abs(v));
    });
    console.log(
      `${layer}: ${folded.fusedChains} fused chains, max |diff| / max |value| = ${(maxDiff / maxAbs).toExponential(2)}`,
    );
    assert.ok(folded.fusedChains > 10);
    assert.ok(maxDiff / maxAbs < TOLERANCE, `relative difference ${maxDiff / maxAbs}`);
    assert.ok(tf.memory().numTensors <= before + 1, 'the folded forward pass frees its intermediates');
    folded.dispose();
    tf.dispose(x);
  }
  disposeModels([base.model]);
});

test('splitting below the trainable layers: top(bottom(x)) equals the full model, and a single crossing is required', async () => {
  await initBackend('wasm');
  const { splitBelowTrainable } = await import('../../src/trainer/models/frozenSplit');
  const base = await loadBase('mobilenet_v2', tempDir('split'));
  const plan = resolveFreezePlan(base.description.layers, { freezeUpTo: 'block_14_add' }, 'out_relu');
  const tm = buildTransferModel(base.model, plan, { pooling: 'avg', dense: 8 }, 3, 1);
  const split = splitBelowTrainable(tm.full);
  assert.equal(split?.boundary, 'block_14_add');
  const x = tf.randomUniform([2, 224, 224, 3], 0, 1, 'float32', 7);
  const full = await (tm.full.predict(x) as tf.Tensor).data();
  const viaSplit = await (split!.top.predict(split!.bottom.predict(x) as tf.Tensor) as tf.Tensor).data();
  full.forEach((v, i) => assert.ok(Math.abs(v - viaSplit[i]) < 1e-5, `output ${i}: ${v} vs ${viaSplit[i]}`));
  // Inside block 15 the frozen bottom feeds both the expand conv and the residual add: two crossings, no split.
  const inside = buildTransferModel(
    base.model,
    resolveFreezePlan(base.description.layers, { freezeUpTo: 'block_15_expand_relu' }, 'out_relu'),
    { pooling: 'avg' },
    3,
    1,
  );
  assert.equal(splitBelowTrainable(inside.full), undefined);
  disposeModels([tm.full, tm.head, inside.head, base.model]);
});
