// The engine end to end, through the real child process and the protocol the extension uses:
// real images, the bundled MobileNetV2, artifacts checked with plain tfjs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import sharp from 'sharp';
import type { RunResult } from '../../src/shared/engineTypes';
import { allPredicted, fixture, tempDir, trainerSession } from '../helpers/fixtures';
import { serveFolder } from '../helpers/staticServer';
import * as P from '../../src/shared/trainerProtocol';

const session = trainerSession('trainer');
const { cacheDir, recipe, work } = session;

test('the trainer reports the WASM backend and our gradient kernels', async () => {
  const backend = await session.client.sendRequest(P.hello);
  assert.equal(backend.name, 'wasm');
  assert.match(backend.detail, /Conv2DBackpropFilter/);
});

test('mobilenet_v2 lists its Keras layers with shapes and parameters', async () => {
  const base = await session.client.sendRequest(P.listLayers, { base: 'mobilenet_v2', cacheDir });
  assert.equal(base.source, 'builtin');
  const outRelu = base.layers.find((l) => l.name === 'out_relu');
  assert.deepEqual(outRelu?.outputShape, [null, 7, 7, 1280]);
  assert.equal(base.defaultFeatureLayer, 'out_relu');
  assert.deepEqual(base.preprocessing, { size: [224, 224], channels: 3, scale: 'unit' });
  const conv1 = base.layers.find((l) => l.name === 'Conv1');
  assert.equal(conv1?.trainableParams, 3 * 3 * 3 * 32);
  assert.ok(base.layers.find((l) => l.name === 'bn_Conv1')?.isBatchNorm);
  assert.ok(base.totalParams > 2_000_000, `total ${base.totalParams}`);
});

let fashionRun: RunResult;

test('fine-tuning MobileNetV2 on real photos of clothing reaches a useful accuracy on held-out images', async () => {
  fashionRun = await session.client.sendRequest(P.train, {
    recipe: recipe(fixture('fashion-small'), {
      epochs: 15,
      testSplit: 0.3,
      batchSize: 16,
      learningRate: 0.002,
      patience: 0,
      name: 'fashion',
    }),
    cacheDir,
  });
  const e = fashionRun.transfer.evaluation;
  console.log(
    `MobileNetV2 head on 3 Fashion-MNIST classes: test accuracy ${e.accuracy.toFixed(3)} on ${e.count} images`,
  );
  assert.equal(fashionRun.transfer.evaluatedOn, 'test');
  assert.ok(e.accuracy >= 0.8, `accuracy ${e.accuracy}`);
  assert.equal(fashionRun.featureCache?.hits, 0);
  assert.ok(fashionRun.transfer.history.at(-1)!.loss < fashionRun.transfer.history[0].loss);
  for (const f of [
    'model.json',
    'labels.json',
    'run.json',
    'recipe.json',
    'metrics.json',
    'evaluation.json',
    'checkpoint/model.json',
  ]) {
    assert.ok(fs.existsSync(path.join(fashionRun.runDir, f)), f);
  }
});

test('a second run on unchanged data takes every feature from the cache', async () => {
  const again = await session.client.sendRequest(P.train, {
    recipe: recipe(fixture('fashion-small'), { epochs: 2, testSplit: 0.3, batchSize: 16, name: 'fashion-again' }),
    cacheDir,
  });
  assert.equal(again.featureCache?.misses, 0);
  assert.ok((again.featureCache?.hits ?? 0) >= 60);
});

test('the saved model loads with plain tf.loadLayersModel over HTTP and agrees with the evaluation', async () => {
  await tfc.setBackend('wasm');
  const server = await serveFolder(fashionRun.runDir);
  try {
    const model = await tfl.loadLayersModel(`${server.url}/model.json`);
    const labels = JSON.parse(fs.readFileSync(path.join(fashionRun.runDir, 'labels.json'), 'utf8')) as string[];
    const wrong = new Set(fashionRun.transfer.evaluation.misclassified.map((m) => m.path));
    const predictions = allPredicted(
      await session.client.sendRequest(P.predictEach, {
        runDir: fashionRun.runDir,
        images: [...wrong].slice(0, 2).concat(firstImages(fixture('fashion-small'), 2)),
      }),
    );
    for (const p of predictions) {
      const { data } = await sharp(p.path)
        .resize(224, 224, { fit: 'cover' })
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      const x = tfc.tidy(() => tfc.div(tfc.tensor4d(Uint8Array.from(data), [1, 224, 224, 3], 'float32'), 255));
      const y = model.predict(x) as tfc.Tensor;
      const probs = Array.from(await y.data());
      tfc.dispose([x, y]);
      assert.equal(labels[probs.indexOf(Math.max(...probs))], p.label, p.path);
      assert.ok(Math.abs(Math.max(...probs) - p.confidence) < 1e-3);
    }
    model.dispose();
  } finally {
    await server.close();
  }
});

test('develop-model: a source CNN trained on digits 0–4 transfers to digits 5–9 with frozen conv layers', async () => {
  const source = await session.client.sendRequest(P.train, {
    recipe: recipe(fixture('digits-0-4'), {
      mode: 'source',
      inputSize: [28, 28],
      inputChannels: 1,
      epochs: 3,
      testSplit: 0.2,
      patience: 0,
      name: 'source',
    }),
    cacheDir,
  });
  console.log(`source CNN on digits 0-4: test accuracy ${source.transfer.evaluation.accuracy.toFixed(3)}`);
  assert.ok(source.transfer.evaluation.accuracy >= 0.9, `source accuracy ${source.transfer.evaluation.accuracy}`);
  const base = await session.client.sendRequest(P.listLayers, { base: source.runDir, cacheDir });
  assert.equal(base.source, 'run');
  assert.equal(base.defaultFeatureLayer, 'features');
  const transfer = await session.client.sendRequest(P.train, {
    recipe: recipe(fixture('digits-5-9'), {
      base: source.runDir,
      head: { pooling: 'avg', dense: 128, dropout: 0.3 },
      epochs: 15,
      testSplit: 0.3,
      learningRate: 0.002,
      patience: 0,
      name: 'target',
    }),
    cacheDir,
  });
  const acc = transfer.transfer.evaluation.accuracy;
  console.log(
    `transfer to digits 5-9 (conv frozen): test accuracy ${acc.toFixed(3)}; trainable ${transfer.transfer.trainableParams}, frozen ${transfer.transfer.frozenParams}`,
  );
  assert.ok(acc >= 0.9, `transfer accuracy ${acc}`);
  const convParams = base.layers.filter((l) => l.name.startsWith('conv')).reduce((s, l) => s + l.trainableParams, 0);
  assert.equal(transfer.transfer.frozenParams, convParams);
});

test('a failed request is one clear sentence, and the trainer keeps working after it', async () => {
  const oneClass = tempDir('one-class');
  fs.cpSync(path.join(fixture('digits-5-9'), '5'), path.join(oneClass, '5'), { recursive: true });
  await assert.rejects(
    session.client.sendRequest(P.train, { recipe: recipe(oneClass, {}), cacheDir }),
    (e: Error) => /at least two class subfolders/.test(e.message) && !/\n\s+at /.test(e.message),
  );
  await assert.rejects(
    session.client.sendRequest(P.train, {
      recipe: recipe(fixture('digits-5-9'), { freeze: { featureLayer: 'out_relux' } }),
      cacheDir,
    }),
    /did you mean "out_relu"/,
  );
  assert.equal((await session.client.sendRequest(P.hello)).name, 'wasm');
});

test('cancel stops at the next batch and keeps the last checkpoint', async () => {
  const { CancellationTokenSource } = await import('vscode-jsonrpc/node');
  const source = new CancellationTokenSource();
  let epochs = 0;
  const listener = session.client.onProgress((e) => {
    if (e.kind === 'epoch' && ++epochs === 1) source.cancel();
  });
  const result = await session.client.sendRequest(
    P.train,
    {
      recipe: recipe(fixture('digits-0-4'), {
        mode: 'source',
        inputSize: [28, 28],
        inputChannels: 1,
        epochs: 50,
        name: 'cancelled',
      }),
      cacheDir,
    },
    source.token,
  );
  listener.dispose();
  assert.equal(result.cancelled, true);
  assert.ok(result.transfer.history.length >= 1 && result.transfer.history.length < 50);
  const checkpoint = path.join(result.runDir, 'checkpoint');
  assert.ok(fs.existsSync(path.join(checkpoint, 'model.json')));
  assert.equal(JSON.parse(fs.readFileSync(path.join(result.runDir, 'run.json'), 'utf8')).status, 'cancelled');
  await tfc.setBackend('cpu');
  const server = await serveFolder(checkpoint);
  try {
    (await tfl.loadLayersModel(`${server.url}/model.json`)).dispose();
  } finally {
    await server.close();
  }
});

test('a base given by URL is downloaded once into the cache', async () => {
  const server = await serveFolder(path.resolve(__dirname, '../../dist/models/mobilenet_v2'));
  const urlCache = path.join(work, 'url-cache');
  try {
    const base = await session.client.sendRequest(P.listLayers, {
      base: `${server.url}/model.json`,
      cacheDir: urlCache,
    });
    assert.equal(base.source, 'url');
    assert.equal(base.layers.length, 162);
  } finally {
    await server.close();
  }
  // The server is gone: the second resolution must come from the cache.
  const again = await session.client.sendRequest(P.listLayers, {
    base: `${server.url}/model.json`,
    cacheDir: urlCache,
  });
  assert.equal(again.layers.length, 162);
});

test('a URL that serves garbage or never answers is a clear error', async () => {
  const garbage = tempDir('garbage');
  fs.writeFileSync(path.join(garbage, 'model.json'), '<html>not a model</html>');
  const server = await serveFolder(garbage);
  try {
    await assert.rejects(
      session.client.sendRequest(P.listLayers, { base: `${server.url}/model.json`, cacheDir: path.join(work, 'c2') }),
      /did not return a model.json/,
    );
    await assert.rejects(
      session.client.sendRequest(P.listLayers, { base: `${server.url}/missing.json`, cacheDir: path.join(work, 'c3') }),
      /HTTP 404/,
    );
  } finally {
    await server.close();
  }
});

function firstImages(folder: string, n: number): string[] {
  const cls = fs
    .readdirSync(folder)
    .filter((d) => !d.startsWith('.'))
    .sort()[0];
  return fs
    .readdirSync(path.join(folder, cls))
    .filter((f) => f.endsWith('.png'))
    .sort()
    .slice(0, n)
    .map((f) => path.join(folder, cls, f));
}
