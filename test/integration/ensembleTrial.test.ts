// The automatic flow's ensemble (issue 29) trains its pixel MLP on the base's input pooled in the feature pass
// (ONNX Runtime), and saves one graph that pools the input itself (TF.js): both must see the same pixels, and
// the saved model, loaded back, must give the probabilities the run judged it by.
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
import { neverCancelled } from '../../src/shared/engineError';
import { resolveFreezePlan } from '../../src/shared/freezePlan';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { decodeBatch, SkipList } from '../../src/trainer/data/batchStream';
import { loadBase, type BaseModel } from '../../src/trainer/models/baseModel';
import { loadLayersModelFromFile, saveLayersModel } from '../../src/trainer/models/modelFiles';
import { buildTransferModel } from '../../src/trainer/models/transferModel';
import * as tf from '../../src/trainer/tf';
import { featuresAtCuts, pooledInputName } from '../../src/trainer/train/cutFeatures';
import { averaged, ensembleModel } from '../../src/trainer/train/ensembleTrial';
import { buildPixelModel } from '../../src/trainer/train/pixelTrials';
import { scoreFeatures } from '../../src/trainer/train/predictions';
import { tempDir } from '../helpers/fixtures';
import { fixtureSamples } from '../helpers/fixtureSamples';

const CUT = 'out_relu';
const POOL: [number, number] = [8, 8];
const CLASSES = 3;
// ONNX Runtime and TF.js average in float32 in their own order; pixels are in [-1, 1].
const TOLERANCE = 1e-4;

let base: BaseModel;

before(async () => {
  await initBackend('wasm');
  base = await loadBase('mobilenet_v2', tempDir('ensemble-base'));
});

test("the feature pass pools the base's input as the saved ensemble does, and the saved ensemble scores as judged", async () => {
  const all = fixtureSamples('fashion-small', 2);
  const { byCut } = await featuresAtCuts({
    base,
    cuts: [CUT],
    samples: all,
    cacheDir: tempDir('ensemble-cache'),
    batchSize: 4,
    skips: new SkipList(),
    signal: neverCancelled,
    emit: () => undefined,
    inputPool: POOL,
  });
  const pooled = byCut.get(pooledInputName(POOL))!;
  const prep = base.description.preprocessing;
  const decoded = await decodeBatch(all, prep, new SkipList());
  const images = tf.tensor4d(decoded.pixels, [all.length, ...prep.size, prep.channels]);
  const expected = tf.tidy(() => tf.reshape(tf.avgPool(images, POOL, POOL, 'valid'), [all.length, -1]));
  const rows = (await expected.array()) as number[][];
  all.forEach((s, i) => {
    const got = pooled.get(s.path)!;
    assert.equal(got.length, 28 * 28 * 3, "224 pooled by 8: the data's own 28×28, RGB");
    assert.ok(Math.max(...rows[i].map((v, k) => Math.abs(v - got[k]))) < TOLERANCE, s.path);
  });
  // A transfer model and an MLP on the pooled pixels (untrained: the graph is what is tested).
  const plan = resolveFreezePlan(base.description.layers, { featureLayer: CUT }, CUT);
  const tm = buildTransferModel(base.model, plan, { pooling: 'avg' }, CLASSES, 1);
  const size: [number, number] = [28, 28];
  const mlp = buildPixelModel('pixels-mlp', { size, channels: 3, scale: 'unit' }, CLASSES, 1, 'ensemble_');
  const dir = tempDir('ensemble-model');
  await saveLayersModel(ensembleModel(tm.full, mlp, POOL), dir);
  const saved = await loadLayersModelFromFile(path.join(dir, 'model.json'));
  const judged = averaged(
    await scoreFeatures(tm.head, all, byCut.get(CUT)!, tm.featureShape, CLASSES, 4, neverCancelled),
    await scoreFeatures(mlp, all, pooled, [28, 28, 3], CLASSES, 4, neverCancelled),
  );
  const out = tf.tidy(() => saved.predict(images) as tf.Tensor);
  const probs = (await out.array()) as number[][];
  assert.equal(judged.length, all.length);
  judged.forEach((s, i) => {
    const worst = Math.max(...Array.from(s.probs, (p, k) => Math.abs(p - probs[i][k])));
    assert.ok(worst < 1e-3, `${s.path}: the saved model's probabilities differ by ${worst}`);
  });
  tf.dispose([images, expected, out]);
});
