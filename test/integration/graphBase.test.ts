// A TF.js graph model as a frozen feature base: the one available offline, nsfwjs' mobilenet_v2_mid (its
// model.json and weights ship as JS modules; written out here as the files a user would have).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { GRAPH_BASE_NOTE, GRAPH_LAYER_NAME } from '../../src/trainer/interchange/graphBase';
import { allPredicted, fixture, trainerSession } from '../helpers/fixtures';
import * as P from '../../src/shared/trainerProtocol';

const session = trainerSession('graph-base');
const { cacheDir, recipe, work } = session;

/** Writes nsfwjs' graph model as model.json + binary shards into `dir`. */
function writeGraphModel(dir: string): string {
  const src = path.resolve(require.resolve('nsfwjs'), '../../models/mobilenet_v2_mid');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const json = require(path.join(src, 'model.min.js')) as { weightsManifest: { paths: string[] }[] };
  const copy = structuredClone(json);
  fs.mkdirSync(dir, { recursive: true });
  for (const group of copy.weightsManifest) {
    group.paths = group.paths.map((p) => {
      // The package ships each shard as a module exporting base64 text.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const shard = require(path.join(src, `${p}.min.js`)) as string;
      fs.writeFileSync(path.join(dir, `${p}.bin`), Buffer.from(shard, 'base64'));
      return `${p}.bin`;
    });
  }
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(copy));
  return path.join(dir, 'model.json');
}

test('a graph model is a frozen feature extractor: a head trains on cached features, predict and evaluate compose base and head', async () => {
  const modelJson = writeGraphModel(path.join(work, 'graph'));
  const base = await session.client.sendRequest(P.listLayers, { base: modelJson, cacheDir });
  assert.equal(base.defaultFeatureLayer, GRAPH_LAYER_NAME);
  assert.ok(
    base.layers.every((l) => l.trainableParams === 0),
    'nothing in a graph base can be unfrozen',
  );
  assert.ok(base.credit?.includes(GRAPH_BASE_NOTE), 'the description says so');

  const data = fixture('fashion-small');
  const train = () =>
    session.client.sendRequest(P.train, {
      recipe: recipe(data, { base: modelJson, epochs: 2, maxPerClass: 8, patience: 0, name: 'graph' }),
      cacheDir,
    });
  const first = await train();
  assert.equal(first.transfer.history.length, 2);
  assert.ok(first.featureCache && first.featureCache.misses > 0);
  const again = await train();
  assert.equal(again.featureCache?.misses, 0, 'features of a graph base are cached like any other');

  // The run keeps the head and a reference (path + sha256), not a copy of the graph's weights.
  const runBytes = fs
    .readdirSync(first.runDir)
    .filter((f) => f.endsWith('.bin'))
    .reduce((s, f) => s + fs.statSync(path.join(first.runDir, f)).size, 0);
  assert.ok(runBytes < 100_000, `run weights ${runBytes} bytes: the head only`);
  const image = path.join(data, 'bag', fs.readdirSync(path.join(data, 'bag'))[0]);
  const [prediction] = allPredicted(
    await session.client.sendRequest(P.predictEach, { runDir: first.runDir, images: [image] }),
  );
  assert.ok(first.classes.includes(prediction.label));
  const evaluation = await session.client.sendRequest(P.evaluate, { runDir: first.runDir, folder: data });
  assert.equal(evaluation.count, 90);

  // A changed graph is refused by the run that refers to it, naming the file.
  fs.appendFileSync(modelJson, ' ');
  await assert.rejects(
    session.client.sendRequest(P.predictEach, { runDir: first.runDir, images: [image] }),
    (e: Error) => {
      assert.match(e.message, /graph model this run is built on has changed/);
      assert.ok(e.message.includes(modelJson));
      return true;
    },
  );
});
