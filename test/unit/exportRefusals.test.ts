// Runs that cannot be exported are refused before anything is written, with one sentence naming the run.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { exportRun } from '../../src/trainer/export/exportRun';
import { GRAPH_LAYER_CLASS } from '../../src/trainer/interchange/graphBase';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-export-refusals-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

/** A run folder with run.json and a model.json holding `layers` (no weights): enough to be refused. */
function fakeRun(name: string, status: string, layers: object[]): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  const preprocessing = { size: [8, 8], channels: 3, scale: 'unit' };
  fs.writeFileSync(
    path.join(dir, 'run.json'),
    JSON.stringify({ version: 1, status, classes: ['a', 'b'], preprocessing }),
  );
  const config = { layers, input_layers: [['in', 0, 0]], output_layers: [['graph_model_frozen', 0, 0]] };
  const modelTopology = { class_name: 'Model', config };
  fs.writeFileSync(
    path.join(dir, 'model.json'),
    JSON.stringify({ format: 'layers-model', modelTopology, weightsManifest: [] }),
  );
  return dir;
}

async function refused(dir: string, pattern: RegExp): Promise<void> {
  const before = fs.readdirSync(dir).sort();
  for (const format of ['keras', 'onnx', 'tfjs'] as const) {
    await assert.rejects(exportRun({ runDir: dir, format }), (e: Error) => {
      assert.match(e.message, pattern);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  }
  assert.deepEqual(fs.readdirSync(dir).sort(), before);
}

test('a run on a TF.js graph model: exporting it is not supported yet, said plainly', async () => {
  const graph = '/models/mobilenet_v2_mid/model.json';
  const dir = fakeRun('graph', 'finished', [
    { class_name: 'InputLayer', name: 'in', config: { batch_input_shape: [null, 8, 8, 3] }, inbound_nodes: [] },
    {
      class_name: GRAPH_LAYER_CLASS,
      name: 'graph_model_frozen',
      inbound_nodes: [[['in', 0, 0, {}]]],
      config: { model_json_hex: Buffer.from(graph).toString('hex') },
    },
  ]);
  await refused(dir, new RegExp(`graph model \\(${graph}\\): exporting such a run is not supported yet`));
});

test('an unfinished run and a folder that is not a run are refused', async () => {
  await refused(fakeRun('cancelled', 'cancelled', []), /did not finish \(status: cancelled\)/);
  const plain = path.join(work, 'plain');
  fs.mkdirSync(plain);
  await refused(plain, /is not a Transfer Studio run folder \(no run\.json\)/);
});
