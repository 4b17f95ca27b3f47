// A run folder written by Transfer Studio 0.2.0 (run.json version 1, `preprocessing` instead of `input`):
// a source CNN on 8×8 grey digits, kept in test/fixtures/runs/v1-source-digits as that version wrote it
// (only the dataset path in recipe.json is pointed at this checkout's fixtures). Today's engine must load,
// predict, evaluate, resume and export it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { cliEnv, cliSync, jsonLines } from '../helpers/cli';
import { fixture, ROOT, tempDir } from '../helpers/fixtures';

const work = tempDir('run-v1');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const cli = (...args: string[]) => cliSync(work, args, cliEnv(work));

const OLD_ROOT = '/work/wt/house/test/fixtures/generated/';
const digits = fixture('digits-5-9');

/** A fresh copy of the 0.2.0 run, its recipe pointing at this checkout's digits. */
function oldRun(name: string, patch: Record<string, unknown> = {}): string {
  const dir = path.join(work, name);
  fs.cpSync(path.join(ROOT, 'test/fixtures/runs/v1-source-digits'), dir, { recursive: true });
  const recipeFile = path.join(dir, 'recipe.json');
  const recipe = JSON.parse(fs.readFileSync(recipeFile, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(recipeFile, JSON.stringify({ ...recipe, data: digits, outputDir: work, ...patch }));
  return dir;
}

interface Misclassified {
  path: string;
  predicted: string;
  confidence: number;
}

test('a 0.2.0 run folder predicts exactly what 0.2.0 predicted, and evaluates', () => {
  const dir = oldRun('predict');
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')).version, 1);
  const stored = JSON.parse(fs.readFileSync(path.join(dir, 'evaluation.json'), 'utf8')) as {
    transfer: { misclassified: Misclassified[] };
  };
  const expected = stored.transfer.misclassified.slice(0, 4);
  const images = expected.map((m) => path.join(digits, m.path.slice(OLD_ROOT.length + 'digits-5-9/'.length)));
  const predict = cli('predict', dir, ...images, '--json');
  assert.equal(predict.code, 0, predict.stderr);
  const got = jsonLines(predict.stdout).filter((l) => l.type === 'prediction') as unknown as {
    label: string;
    confidence: number;
  }[];
  assert.deepEqual(
    got.map((p) => [p.label, p.confidence]),
    expected.map((m) => [m.predicted, m.confidence]),
  );

  const evaluation = cli('evaluate', dir, digits, '--json');
  assert.equal(evaluation.code, 0, evaluation.stderr);
  const result = jsonLines(evaluation.stdout).find((l) => l.type === 'result')!.result as {
    count: number;
    classes: string[];
  };
  assert.equal(result.count, 500);
  assert.deepEqual(result.classes, ['5', '6', '7', '8', '9']);
});

test('a 0.2.0 run folder resumes one more epoch and is rewritten as run.json version 2', () => {
  // Its checkpoint holds epoch 2 of 2: asking for 3 epochs trains exactly one more.
  const dir = oldRun('resume', { epochs: 3 });
  const resumed = cli('resume', dir, '--json');
  assert.equal(resumed.code, 0, resumed.stderr);
  const metrics = JSON.parse(fs.readFileSync(path.join(dir, 'metrics.json'), 'utf8')) as {
    transfer: { epoch: number }[];
  };
  assert.deepEqual(
    metrics.transfer.map((m) => m.epoch),
    [1, 2, 3],
  );
  const info = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(info.version, 2);
  assert.equal(info.status, 'finished');
  assert.deepEqual(info.input, { kind: 'image', size: [8, 8], channels: 1, scale: 'unit' });
  assert.equal(info.preprocessing, undefined);
});

test('a 0.2.0 run folder exports, and the export metadata names its input', () => {
  const dir = oldRun('export');
  const out = path.join(work, 'exported.onnx');
  const exported = cli('export', dir, '--format', 'onnx', '--out', out, '--json');
  assert.equal(exported.code, 0, exported.stderr);
  assert.ok(fs.statSync(out).size > 1000);
  const tfjs = path.join(work, 'tfjs');
  assert.equal(cli('export', dir, '--format', 'tfjs', '--out', tfjs, '--json').code, 0);
  const metadata = JSON.parse(fs.readFileSync(path.join(tfjs, 'metadata.json'), 'utf8')) as {
    input_spec: unknown;
  };
  assert.deepEqual(metadata.input_spec, { kind: 'image', size: [8, 8], channels: 1, scale: 'unit' });
});
