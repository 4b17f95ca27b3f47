// A recipe run on a real Ray (a private local instance, 2 CPU workers, Keras 3 on torch) through the built
// binary: the run folder it leaves is a normal one, and its TF.js model predicts what the trained Keras file
// predicts on the same pixels.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Prediction, ProgressEvent, RunResult } from '../../src/shared/engineTypes';
import { DIST, tempDir } from '../helpers/fixtures';
import { runPython, skipWithoutPython, testPython } from '../helpers/python';
import { copyDigits } from '../helpers/smallData';

const skip = skipWithoutPython();
const work = tempDir('ray');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const ENV = { ...process.env, TRANSFER_STUDIO_CACHE: path.join(work, 'cache'), TRANSFER_STUDIO_BACKEND: 'wasm' };

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), ...args], { encoding: 'utf8', cwd: work, env: ENV, timeout: 600_000 });
  const lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; result?: unknown; message?: string } & Partial<ProgressEvent>);
  return { code: r.status, lines, stderr: r.stderr };
}

function recipe(): string {
  copyDigits(path.join(work, 'data'), ['0', '1', '2'], 12);
  const file = path.join(work, 'digits.recipe.yaml');
  fs.writeFileSync(file, [
    'data: data', 'base: mobilenet_v2', 'epochs: 1', 'batchSize: 8', 'learningRate: 0.001', 'validationSplit: 0.25',
    'testSplit: 0.25', 'seed: 7', 'secondPhase:', '  unfreezeFrom: Conv_1', '  epochs: 1', 'outputDir: runs', '',
  ].join('\n'));
  return file;
}

test('--ray local with 2 workers: both phases train, the workers agree, the run folder predicts like the trained Keras file', { skip }, () => {
  const r = cli('train', '--recipe', recipe(), '--ray', 'local', '--workers', '2', '--python', testPython()!, '--json');
  assert.equal(r.code, 0, `${r.stderr}\n${JSON.stringify(r.lines.filter((l) => l.type === 'error'))}`);
  const result = r.lines.find((l) => l.type === 'result')!.result as RunResult;
  // One epoch of each phase came through as the trainer protocol's epoch events, as the panel draws them.
  const epochs = r.lines.filter((l) => l.kind === 'epoch') as { metrics: { phase: number } }[];
  assert.deepEqual(epochs.map((e) => e.metrics.phase), [1, 2]);
  assert.deepEqual(result.transfer.history.map((h) => h.phase), [1, 2]);
  assert.ok(r.lines.some((l) => l.kind === 'batch'));
  // The job compared every worker's weight digest; the driver refuses a run whose workers disagree.
  const job = JSON.parse(fs.readFileSync(path.join(result.runDir, 'ray-job.json'), 'utf8')) as { jobDir: string; test: { path: string; label: number }[]; plan: { workers: number } };
  assert.equal(job.plan.workers, 2);
  const digests = fs.readFileSync(path.join(job.jobDir, 'job.log'), 'utf8').match(/"weightDigests":\[("[0-9a-f]{64}"),("[0-9a-f]{64}")\]/);
  assert.ok(digests, 'the job reports two weight digests');
  assert.equal(digests[1], digests[2]);

  const run = JSON.parse(fs.readFileSync(path.join(result.runDir, 'run.json'), 'utf8')) as { status: string };
  assert.equal(run.status, 'finished');
  const saved = JSON.parse(fs.readFileSync(path.join(result.runDir, 'recipe.json'), 'utf8')) as { ray?: { address: string; workers: number } };
  assert.deepEqual([saved.ray?.address, saved.ray?.workers], ['local', 2]);

  // The engine's model of the run and Keras' trained file, on the very pixels the job trained with.
  const predict = cli('predict', result.runDir, ...job.test.map((s) => s.path), '--json');
  assert.equal(predict.code, 0, predict.stderr);
  const engine = predict.lines.find((l) => l.type === 'result')!.result as Prediction[];
  const script = path.join(work, 'keras_predict.py');
  fs.writeFileSync(script, [
    'import json, sys, numpy as np, keras',
    'm = keras.saving.load_model(sys.argv[1], compile=False)',
    'print(json.dumps(m.predict(np.load(sys.argv[2]).astype("float32"), verbose=0).tolist()))',
  ].join('\n'));
  const keras = JSON.parse(runPython(script, [path.join(result.runDir, 'model.keras'), path.join(job.jobDir, 'test_x.npy')], { KERAS_BACKEND: 'torch' })) as number[][];
  assert.equal(keras.length, engine.length);
  engine.forEach((p, i) => {
    result.classes.forEach((c, k) => assert.ok(Math.abs(p.scores[c] - keras[i][k]) < 1e-3, `${p.path} ${c}: engine ${p.scores[c]}, Keras ${keras[i][k]}`));
  });
});

test('a Python that does not exist, and an address nobody listens on, each end in one line naming them', { skip }, () => {
  const file = recipe();
  const runs = () => (fs.existsSync(path.join(work, 'runs')) ? fs.readdirSync(path.join(work, 'runs')).length : 0);
  const before = runs();
  const missing = cli('train', '--recipe', file, '--ray', 'local', '--python', path.join(work, 'no-such-python'), '--json');
  assert.equal(missing.code, 1);
  assert.match(missing.lines.find((l) => l.type === 'error')!.message!, /Python not found: ".*no-such-python"/);
  const unreachable = cli('train', '--recipe', file, '--ray', '127.0.0.1:9', '--python', testPython()!, '--json');
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.lines.find((l) => l.type === 'error')!.message!, /127\.0\.0\.1:9/);
  // Both were found before any data was decoded or a run folder made.
  assert.equal(runs(), before);
});
