// Exported models checked with the real tools that users load them with: Keras 3 (tensorflow and torch
// backends), Python onnxruntime (after onnx.checker) and onnxruntime-node. On the same images, each must agree
// with the engine's own predict: same top-1, probabilities within 1e-4, fed raw 0–255 pixels.
import { imagePreprocessing } from '../../src/shared/inputSpec';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import type { ExportFormat, RunResult } from '../../src/shared/trainerProtocol';
import { decodeToPixels } from '../../src/trainer/data/imageDecoder';
import { decodeNpy, encodeNpy, matrixFromRows } from '../../src/trainer/features/npy';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { saveTrickyBase, saveUnexportableBase } from '../helpers/exportBases';
import { allPredicted, DIST, ROOT, fixture, trainerSession } from '../helpers/fixtures';
import { runPython, skipWithoutPython, testPython } from '../helpers/python';
import * as P from '../../src/shared/trainerProtocol';

const session = trainerSession('export');
const { cacheDir, recipe, work } = session;
const TOLERANCE = 1e-4;
const RUN_EXPORTED = path.resolve(__dirname, '../python/run_exported.py');
/** keras.applications families with the layers TF.js lacks (hard_swish, Normalization, scalar ops, SE reshape). */
const KERAS_FAMILIES = ['MobileNetV3Small', 'EfficientNetB0'];

interface Case {
  name: string;
  runDir: string;
  images: string[];
  shape: [number, number, number, number];
  pixels: string;
  /** The engine's probabilities per image, in class order. */
  engine: number[][];
  classes: string[];
  /** Base layers whose trainable flag the Keras file must keep. */
  trainable: Record<string, boolean>;
}

const cases: Case[] = [];

function firstImages(folder: string, perClass: number): string[] {
  const classes = fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  return classes.flatMap((c) =>
    fs
      .readdirSync(path.join(folder, c))
      .filter((f) => f.endsWith('.png'))
      .sort()
      .slice(0, perClass)
      .map((f) => path.join(folder, c, f)),
  );
}

async function addCase(
  name: string,
  run: RunResult,
  images: string[],
  trainable: Record<string, boolean>,
): Promise<void> {
  const info = JSON.parse(fs.readFileSync(path.join(run.runDir, 'run.json'), 'utf8'));
  const prep = imagePreprocessing(info.input);
  const rows = await Promise.all(images.map(async (f) => Float32Array.from(await decodeToPixels(f, prep))));
  const pixels = path.join(work, `${name}.npy`);
  fs.writeFileSync(pixels, encodeNpy(matrixFromRows(rows)));
  const predictions = allPredicted(await session.client.sendRequest(P.predictEach, { runDir: run.runDir, images }));
  const classes: string[] = info.classes;
  cases.push({
    name,
    runDir: run.runDir,
    images,
    pixels,
    classes,
    trainable,
    shape: [images.length, prep.size[0], prep.size[1], prep.channels],
    engine: predictions.map((p) => classes.map((c) => p.scores[c])),
  });
}

/** Max |Δp| against the engine; fails on a different top-1 or a difference above the tolerance. */
function agree(c: Case, loader: string, probabilities: number[][]): number {
  assert.equal(probabilities.length, c.engine.length, `${c.name} ${loader}: one row per image`);
  let worst = 0;
  probabilities.forEach((row, i) => {
    const mine = c.engine[i];
    assert.equal(row.length, mine.length, `${c.name} ${loader}: one probability per class`);
    assert.equal(
      row.indexOf(Math.max(...row)),
      mine.indexOf(Math.max(...mine)),
      `${c.name} ${loader}: top-1 of ${c.images[i]}`,
    );
    row.forEach((p, k) => {
      worst = Math.max(worst, Math.abs(p - mine[k]));
    });
  });
  assert.ok(worst <= TOLERANCE, `${c.name} ${loader}: max |Δp| ${worst} > ${TOLERANCE}`);
  return worst;
}

const exported = (c: Case, format: ExportFormat) =>
  path.join(c.runDir, format === 'onnx' ? 'model.onnx' : 'model.keras');

before(async () => {
  await initBackend('cpu');
  const digits = fixture('digits-0-4');
  const fashion = fixture('fashion-small');
  const rgbImages = [...firstImages(fashion, 1), path.join(fixture('photos'), 'chelsea.png')];
  const quick = { epochs: 1, patience: 0, batchSize: 8 };
  const source = await session.client.sendRequest(P.train, {
    recipe: recipe(digits, {
      ...quick,
      mode: 'source',
      inputSize: [28, 28],
      inputChannels: 1,
      maxPerClass: 20,
      name: 'source',
    }),
    cacheDir,
  });
  await addCase('source CNN (28×28×1, unit)', source, firstImages(digits, 1), { conv1: true });
  const tricky = await saveTrickyBase(path.join(work, 'tricky-base'));
  const onTricky = await session.client.sendRequest(P.train, {
    recipe: recipe(fashion, {
      ...quick,
      base: tricky,
      maxPerClass: 6,
      head: { pooling: 'avg', dense: 8, dropout: 0.1 },
      name: 'tricky',
    }),
    cacheDir,
  });
  await addCase('TF.js base with branches (24×24×3, symmetric)', onTricky, rgbImages, { stem: false, down: false });
  // The top of MobileNetV2 trains (its BatchNorm layers too, in inference mode): the Keras file must keep that.
  const mobilenet = await session.client.sendRequest(P.train, {
    recipe: recipe(fashion, {
      ...quick,
      maxPerClass: 6,
      freeze: { featureLayer: 'out_relu', freezeUpTo: 'block_16_depthwise_relu' },
      name: 'mnv2',
    }),
    cacheDir,
  });
  await addCase('built-in MobileNetV2 (224×224×3, unit)', mobilenet, rgbImages, { Conv1: false, Conv_1: true });
  if (!testPython()) return;
  // Bases imported from Keras files (made by real Keras): our custom layers for hard_swish, scalar ops,
  // keepdims pooling and Normalization go back out as Keras 3 nodes and ONNX operators.
  runPython(path.join(ROOT, 'test/python/make_keras_fixtures.py'), [
    fixture('keras'),
    fixture('photos'),
    KERAS_FAMILIES.join(','),
  ]);
  for (const family of KERAS_FAMILIES) {
    const run = await session.client.sendRequest(P.train, {
      recipe: recipe(fashion, {
        ...quick,
        base: path.join(fixture('keras'), `${family}.keras`),
        maxPerClass: 6,
        name: family,
      }),
      cacheDir,
    });
    await addCase(`Keras import: ${family} (32×32×3, raw)`, run, rgbImages, {});
  }
});

test('every run exports to Keras and ONNX, atomically, with labels beside the file', async () => {
  for (const c of cases) {
    for (const format of ['keras', 'onnx'] as const) {
      const result = await session.client.sendRequest(P.exportModel, { runDir: c.runDir, format });
      assert.equal(result.path, exported(c, format));
      assert.equal(fs.statSync(result.path).size, result.bytes);
      assert.deepEqual(fs.readFileSync(result.labelsPath, 'utf8').trim().split('\n'), c.classes);
    }
    // The TF.js model stays, and no temporary file is left behind.
    assert.ok(fs.existsSync(path.join(c.runDir, 'model.json')));
    assert.deepEqual(
      fs.readdirSync(c.runDir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  }
});

test('onnxruntime-node runs the ONNX files and agrees with predict', async (t) => {
  for (const c of cases) {
    const session = await ort.InferenceSession.create(exported(c, 'onnx'));
    assert.deepEqual(session.inputNames, ['image']);
    assert.deepEqual(session.outputNames, ['probabilities']);
    const { data } = decodeNpy(fs.readFileSync(c.pixels));
    const out = await session.run({ image: new ort.Tensor('float32', data, c.shape) });
    const flat = Array.from(out.probabilities.data as Float32Array);
    const k = c.classes.length;
    const rows = c.images.map((_, i) => flat.slice(i * k, (i + 1) * k));
    t.diagnostic(`${c.name}: onnxruntime-node max |Δp| ${agree(c, 'onnxruntime-node', rows).toExponential(1)}`);
  }
});

test(
  'Keras 3 (tensorflow backend) and Python onnxruntime load the files and agree with predict',
  { skip: skipWithoutPython() },
  (t) => {
    const jobs = cases.flatMap((c) =>
      (['keras', 'onnx'] as const).map((kind) => ({
        kind,
        model: exported(c, kind),
        pixels: c.pixels,
        shape: c.shape,
      })),
    );
    const results = pythonJobs(jobs, 'tensorflow');
    cases.forEach((c, i) => {
      const keras = results[2 * i];
      const onnxResult = results[2 * i + 1];
      t.diagnostic(
        `${c.name}: keras/tensorflow max |Δp| ${agree(c, 'keras tensorflow', keras.probabilities).toExponential(1)}`,
      );
      t.diagnostic(
        `${c.name}: onnxruntime (Python) max |Δp| ${agree(c, 'onnxruntime', onnxResult.probabilities).toExponential(1)}`,
      );
      assert.deepEqual(onnxResult.labels, c.classes);
      assert.equal(onnxResult.opset, 17);
      // Frozen layers stay frozen, the head trains, and every BatchNorm runs in inference mode (non-trainable).
      const layers = keras.layers!;
      assert.deepEqual(layers.preprocessing, ['Rescaling', false]);
      for (const [name, [kind, trainable]] of Object.entries(layers)) {
        if (kind === 'BatchNormalization') assert.equal(trainable, false, `${c.name}: ${name} runs in inference mode`);
        if (name.startsWith('head_')) assert.equal(trainable, true, `${c.name}: ${name} is part of the head`);
      }
      for (const [name, trainable] of Object.entries(c.trainable))
        assert.equal(layers[name]?.[1], trainable, `${c.name}: ${name}`);
    });
  },
);

test('Keras 3 on the torch backend loads the files and agrees with predict', { skip: skipWithoutPython() }, (t) => {
  const results = pythonJobs(
    cases.map((c) => ({ kind: 'keras', model: exported(c, 'keras'), pixels: c.pixels, shape: c.shape })),
    'torch',
  );
  cases.forEach((c, i) => {
    assert.equal(results[i].backend, 'torch');
    t.diagnostic(
      `${c.name}: keras/torch max |Δp| ${agree(c, 'keras torch', results[i].probabilities).toExponential(1)}`,
    );
  });
});

test('a run whose base has a layer export cannot translate: one error naming it, nothing written', async () => {
  const base = await saveUnexportableBase(path.join(work, 'odd-base'));
  const run = await session.client.sendRequest(P.train, {
    recipe: recipe(fixture('fashion-small'), { base, epochs: 1, patience: 0, maxPerClass: 4, name: 'odd' }),
    cacheDir,
  });
  const before = fs.readdirSync(run.runDir).sort();
  for (const format of ['keras', 'onnx'] as const) {
    await assert.rejects(session.client.sendRequest(P.exportModel, { runDir: run.runDir, format }), (e: Error) => {
      assert.match(e.message, /"odd_norm" \(LayerNormalization\)/);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  }
  assert.deepEqual(fs.readdirSync(run.runDir).sort(), before);
});

test('the CLI exports, and refuses a missing format or a folder that is not a run', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(DIST, 'cli.js'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, TRANSFER_STUDIO_BACKEND: 'wasm', TRANSFER_STUDIO_CACHE: cacheDir },
    });
  const out = path.join(work, 'cli', 'digits.onnx');
  const ok = cli('export', cases[0].runDir, '--format', 'onnx', '--out', out);
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok(fs.existsSync(out) && fs.existsSync(path.join(work, 'cli', 'digits.labels.txt')));
  assert.match(ok.stdout, /image: \[N, 28, 28, 1\] float32, raw pixels 0–255/);
  // A missing --format is a usage error (exit 2); a folder that is not a run fails (exit 1).
  for (const [args, code] of [
    [['export', cases[0].runDir], 2],
    [['export', work, '--format', 'keras'], 1],
  ] as const) {
    const bad = cli(...args);
    assert.equal(bad.status, code, bad.stderr);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  }
});

interface PythonResult {
  probabilities: number[][];
  backend?: string;
  /** Layer name → [Keras class, trainable]. */
  layers?: Record<string, [string, boolean]>;
  labels?: string[];
  opset?: number;
}

function pythonJobs(jobs: object[], backend: 'tensorflow' | 'torch'): PythonResult[] {
  const file = path.join(work, `jobs-${backend}.json`);
  fs.writeFileSync(file, JSON.stringify(jobs));
  const stdout = runPython(RUN_EXPORTED, [file], { KERAS_BACKEND: backend, TF_CPP_MIN_LOG_LEVEL: '3' });
  return JSON.parse(stdout.trim().split('\n').pop()!) as PythonResult[];
}
