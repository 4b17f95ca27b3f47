// The built binary, as a script or CI would run it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { CLI, cliEnv, cliSync, jsonLines, tinySource } from '../helpers/cli';
import { fixture, tempDir } from '../helpers/fixtures';
import { serveFolder } from '../helpers/staticServer';

const work = tempDir('cli');
after(() => fs.rmSync(work, { recursive: true, force: true }));

const ENV = cliEnv(work, { TRANSFER_STUDIO_DOWNLOAD_TIMEOUT_MS: '1500' });
const cli = (...args: string[]) => cliSync(work, args, ENV);

test('layers mobilenet_v2 --json lists the layers with shapes and parameters', () => {
  const r = cli('layers', 'mobilenet_v2', '--json');
  assert.equal(r.code, 0, r.stderr);
  const result = jsonLines(r.stdout).find((l) => l.type === 'result')!.result as {
    layers: { name: string; outputShape: number[]; trainableParams: number }[];
  };
  assert.equal(result.layers.length, 162);
  assert.ok(result.layers.some((l) => l.name === 'block_16_project' && l.trainableParams === 960 * 320));
});

test('scan prints classes, counts and the skipped files with reasons', () => {
  const r = cli('scan', fixture('messy'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /empty file \(0 bytes\)/);
  assert.match(r.stdout, /not an image file type \(\.txt\)/);
  assert.doesNotMatch(r.stdout, /DS_Store/);
});

test('train, then evaluate and predict with the run, all through the binary', () => {
  const train = cli('train', fixture('digits-0-4'), ...tinySource(2), '--test', '0.2', '--out', 'runs', '--json');
  assert.equal(train.code, 0, train.stderr);
  const lines = jsonLines(train.stdout);
  assert.ok(lines.some((l) => l.type === 'progress'));
  const result = lines.find((l) => l.type === 'result')!.result as {
    runDir: string;
    transfer: { evaluation: { accuracy: number } };
  };
  assert.ok(result.transfer.evaluation.accuracy > 0.8);
  assert.ok(result.runDir.startsWith(path.join(work, 'runs')));

  const evaluation = cli('evaluate', result.runDir, fixture('digits-0-4'));
  assert.equal(evaluation.code, 0, evaluation.stderr);
  assert.match(evaluation.stdout, /accuracy \d+\.\d% on \d+ images/);
  assert.match(evaluation.stdout, /actual \\ predicted/);

  const image = path.join(
    fixture('digits-0-4'),
    '3',
    fs.readdirSync(path.join(fixture('digits-0-4'), '3')).find((f) => f.endsWith('.png'))!,
  );
  const predict = cli('predict', result.runDir, image, '--json');
  assert.equal(predict.code, 0, predict.stderr);
  const [p] = jsonLines(predict.stdout).filter((l) => l.type === 'prediction') as unknown as { label: string }[];
  assert.equal(p.label, '3');
});

test('bad input: a one-line error and a non-zero exit, no stack trace', () => {
  for (const args of [
    ['train', path.join(work, 'does-not-exist')],
    ['layers', 'no_such_base'],
    ['train', fixture('digits-0-4'), '--epochs', 'many'],
    ['frobnicate'],
  ]) {
    const r = cli(...args);
    assert.notEqual(r.code, 0, args.join(' '));
    const errors = r.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('transfer-studio: '));
    assert.equal(errors.length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\bat .+:\d+:\d+/);
  }
});

test('embed exports the embeddings of an intermediate layer as CSV and .npy, and fits a light classifier', () => {
  const r = cli(
    'embed',
    fixture('fashion-small'),
    '--layer',
    'block_13_expand_relu',
    '--classifier',
    'knn',
    '--out',
    'emb',
    '--json',
  );
  assert.equal(r.code, 0, r.stderr);
  const result = jsonLines(r.stdout).find((l) => l.type === 'result')!.result as {
    dims: number;
    count: number;
    csvPath: string;
    npyPath: string;
    classifier: { accuracy: number };
  };
  assert.equal(result.count, 90);
  assert.equal(result.dims, 576);
  const csv = fs.readFileSync(result.csvPath, 'utf8').trim().split('\n');
  assert.equal(csv.length, 91);
  assert.equal(csv[1].split(',').length, 2 + 576);
  const npy = fs.readFileSync(result.npyPath);
  assert.match(npy.subarray(0, 128).toString('latin1'), /'shape': \(90, 576\)/);
  console.log(`kNN on block_13_expand_relu embeddings: ${result.classifier.accuracy}`);
  assert.ok(result.classifier.accuracy >= 0.8);

  // The same folder again: refused, naming the file, and nothing is rewritten.
  const written = fs.statSync(result.csvPath).mtimeMs;
  const again = cli('embed', fixture('fashion-small'), '--layer', 'block_13_expand_relu', '--out', 'emb');
  assert.equal(again.code, 1, again.stderr);
  assert.equal(again.stderr.trim().split('\n').length, 1, again.stderr);
  assert.ok(again.stderr.includes(result.csvPath) && again.stderr.includes('--force'), again.stderr);
  assert.equal(fs.statSync(result.csvPath).mtimeMs, written);
});

test('writers refuse to replace an existing output without --force, and say so in --help', () => {
  for (const command of ['embed', 'export']) assert.match(cli(command, '--help').stdout, /--force\s+replace outputs/);
  const train = cli('train', fixture('digits-0-4'), ...tinySource(1), '--max-per-class', '20', '--out', 'w', '--json');
  assert.equal(train.code, 0, train.stderr);
  const { runDir } = jsonLines(train.stdout).find((l) => l.type === 'result')!.result as { runDir: string };
  const exportTo = (...more: string[]) => cli('export', runDir, '--format', 'onnx', '--out', 'm.onnx', ...more);
  assert.equal(exportTo().code, 0);
  const refused = exportTo();
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /m\.onnx already exists: add --force/);
  assert.equal(exportTo('--force').code, 0);
});

test('a model URL whose host never answers times out with a clear message', async () => {
  const server = await serveFolder(work, { hang: true });
  try {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'layers', `${server.url}/model.json`], {
        cwd: work,
        env: ENV,
      });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Download of http:\/\/127\.0\.0\.1:\d+\/model\.json timed out after 1\.5 s/);
  } finally {
    await server.close();
  }
});

test('Ctrl+C cancels at the next batch, keeps the checkpoint and exits with 130', async () => {
  const child = spawn(
    process.execPath,
    [CLI, 'train', fixture('digits-0-4'), ...tinySource(30), '--out', 'interrupted', '--json'],
    { cwd: work, env: ENV },
  );
  let stdout = '';
  let interrupted = false;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
    // Once: a second Ctrl+C is the user insisting, and ends the CLI at once.
    if (!interrupted && /"kind":"epoch"/.test(stdout)) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 130);
  const result = jsonLines(stdout).find((l) => l.type === 'result')!.result as { cancelled: boolean; runDir: string };
  assert.equal(result.cancelled, true);
  assert.ok(fs.existsSync(path.join(result.runDir, 'checkpoint', 'model.json')));
});

test('a YAML recipe trains, and the recipe saved in the run reproduces the same split and metrics', () => {
  const recipeFile = path.join(work, 'digits.recipe.yaml');
  fs.writeFileSync(
    recipeFile,
    [
      '# every choice of the run, reviewable in a diff',
      `data: ${path.relative(work, fixture('digits-0-4'))}`,
      'mode: source',
      'inputSize: [28, 28]',
      'inputChannels: 1',
      'epochs: 2',
      'maxPerClass: 40',
      'testSplit: 0.25',
      'seed: 7',
      'outputDir: recipe-runs',
    ].join('\n'),
  );
  const first = cli('train', '--recipe', recipeFile, '--json');
  assert.equal(first.code, 0, first.stderr);
  const a = jsonLines(first.stdout).find((l) => l.type === 'result')!.result as {
    runDir: string;
    split: object;
    transfer: { evaluation: { accuracy: number; confusion: number[][] } };
  };
  assert.ok(a.runDir.startsWith(path.join(work, 'recipe-runs')), 'paths in a recipe are relative to the recipe');
  const again = cli('train', '--recipe', path.join(a.runDir, 'recipe.json'), '--json');
  assert.equal(again.code, 0, again.stderr);
  const b = jsonLines(again.stdout).find((l) => l.type === 'result')!.result as typeof a;
  assert.notEqual(b.runDir, a.runDir);
  assert.deepEqual(b.split, a.split);
  assert.deepEqual(b.transfer.evaluation.confusion, a.transfer.evaluation.confusion);
});
