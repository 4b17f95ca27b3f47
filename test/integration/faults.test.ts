// Fault injection through the real trainer child process on real files: a full disk and a read-only run
// folder while saving, cancellation at each stage, odd bases, broken weights, huge and nested class folders,
// recipes that point outside the workspace. Each case checks its message and the state left on disk, then
// that a fresh training still works on the same trainer.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { confinePath } from '../../src/host/security/confinePath';
import { loadRecipe } from '../../src/recipe/recipeFile';
import type { TrainRecipe } from '../../src/shared/engineTypes';
import * as tf from '../../src/trainer/tf';
import { loadLayersModelFromFile, saveLayersModel } from '../../src/trainer/models/modelFiles';
import { faultyFolder, folderState, whilePaused } from '../helpers/faultInjection';
import { fixture, trainerSession } from '../helpers/fixtures';
import { copyDigits, imageBase } from '../helpers/smallData';
import * as P from '../../src/shared/trainerProtocol';

const session = trainerSession('faults');
const { work, cacheDir } = session;
const client = () => session.client;

/** Three classes of twelve real digits: an epoch takes about a second. */
const mini = copyDigits(path.join(work, 'mini'), ['0', '1', '2'], 12);
const SMALL = {
  mode: 'source',
  inputSize: [28, 28],
  inputChannels: 1,
  epochs: 1,
  batchSize: 8,
  patience: 0,
} satisfies Partial<TrainRecipe>;

const readJson = <T = Record<string, unknown>>(file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as T;
const runStatus = (runDir: string) => readJson<{ status: string }>(path.join(runDir, 'run.json')).status;

async function freshTrainingWorks(): Promise<void> {
  const r = await client().sendRequest(P.train, {
    recipe: session.recipe(mini, { ...SMALL, name: 'fresh' }),
    cacheDir,
  });
  assert.equal(r.cancelled, false);
  assert.deepEqual(r.classes, ['0', '1', '2']);
  assert.equal(runStatus(r.runDir), 'finished');
  assert.ok(fs.existsSync(path.join(r.runDir, 'model.json')));
}

/** Loads a saved model in this process (plain tfjs on the CPU backend), as an app using the run would. */
async function loads(dir: string): Promise<number> {
  await tf.setBackend('cpu');
  const model = await loadLayersModelFromFile(path.join(dir, 'model.json'));
  const n = model.layers.length;
  model.dispose();
  return n;
}

test('the disk fills while a checkpoint is saved: the previous checkpoint is untouched, the error says where and why, resume finishes', async (t) => {
  const folder = faultyFolder(path.join(work, 'small-disk'), 8 * 2 ** 20);
  if (typeof folder === 'string' || !folder.fill) {
    t.skip(
      `disk full not injected: ${typeof folder === 'string' ? folder : 'no small file system can be mounted here'}`,
    );
    return;
  }
  try {
    let checkpoint = '';
    let before: Record<string, number> = {};
    const listener = client().onProgress((e) => {
      if (e.kind !== 'epoch' || e.metrics.epoch !== 1) return;
      checkpoint = e.checkpoint;
      // Leave less room than the 1.7 MB weights need: the next checkpoint runs out of space half-way.
      whilePaused(client().pid!, () => {
        before = folderState(checkpoint);
        folder.fill!(64 * 1024);
      });
    });
    const recipe = session.recipe(mini, { ...SMALL, epochs: 3, outputDir: folder.dir, name: 'disk-full' });
    try {
      await assert.rejects(client().sendRequest(P.train, { recipe, cacheDir }), (e: Error) => {
        assert.match(
          e.message,
          /^Could not save \/.*\/checkpoint\/weights-[0-9a-f]{12}\.bin: the disk is full\. The previous version is untouched\.$/,
        );
        return true;
      });
    } finally {
      listener.dispose();
    }
    console.log(`disk full (a small tmpfs filled to 64 KiB free): the checkpoint kept ${JSON.stringify(before)}`);
    assert.equal(runStatus(path.dirname(checkpoint)), 'failed', 'the run says it failed, not "training"');
    assert.deepEqual(
      folderState(checkpoint),
      before,
      'no partial or temporary file is left beside the previous checkpoint',
    );
    assert.equal(readJson<{ epoch: number }>(path.join(checkpoint, 'state.json')).epoch, 1);
    assert.ok((await loads(checkpoint)) > 0);

    folder.unfill!();
    const resumed = await client().sendRequest(P.resume, { runDir: path.dirname(checkpoint), cacheDir });
    assert.deepEqual(
      resumed.transfer.history.map((h) => h.epoch),
      [1, 2, 3],
    );
    assert.equal(runStatus(resumed.runDir), 'finished');
    await freshTrainingWorks();
  } finally {
    folder.dispose();
  }
});

test('the run folder becomes read-only before the final save: the checkpoint is untouched, the error names the file, resume completes the save', async (t) => {
  const folder = faultyFolder(path.join(work, 'ro-disk'), 16 * 2 ** 20);
  if (typeof folder === 'string') {
    t.skip(`read-only folder not injected: ${folder}`);
    return;
  }
  let locked: string[] = [];
  try {
    let runDir = '';
    const listener = client().onProgress((e) => {
      if (e.kind === 'epoch') runDir = path.dirname(e.checkpoint);
      // Evaluation on the test split runs between the last checkpoint and the final save.
      if (e.kind === 'stage' && e.stage === 'evaluating' && locked.length === 0) {
        locked = [runDir, path.join(runDir, 'checkpoint')];
        whilePaused(client().pid!, () => folder.readOnly(locked));
      }
    });
    const recipe = session.recipe(fixture('digits-0-4'), {
      ...SMALL,
      maxPerClass: 40,
      testSplit: 0.5,
      outputDir: folder.dir,
      name: 'read-only',
    });
    try {
      await assert.rejects(client().sendRequest(P.train, { recipe, cacheDir }), (e: Error) => {
        assert.match(
          e.message,
          /^Could not save \/.*read-only\/metrics\.json: the folder is not writable\. The previous version is untouched\.$/,
        );
        return true;
      });
    } finally {
      listener.dispose();
    }
    console.log(`read-only run folder by ${folder.how}`);
    assert.ok(!fs.existsSync(path.join(runDir, 'model.json')), 'no half-saved final model');
    assert.equal(readJson<{ epoch: number }>(path.join(runDir, 'checkpoint', 'state.json')).epoch, 1);
    assert.ok((await loads(path.join(runDir, 'checkpoint'))) > 0);

    folder.writable(locked);
    locked = [];
    const resumed = await client().sendRequest(P.resume, { runDir, cacheDir });
    assert.deepEqual(
      resumed.transfer.history.map((h) => h.epoch),
      [1],
    );
    assert.equal(runStatus(runDir), 'finished');
    assert.ok((await loads(runDir)) > 0);
    await freshTrainingWorks();
  } finally {
    if (locked.length) folder.writable(locked);
    folder.dispose();
  }
});

test('cancel during the first epoch leaves no model at all; during a later epoch, a loadable checkpoint that resume finishes', async () => {
  const cancelAt = async (epoch: number, name: string) => {
    const source = new CancellationTokenSource();
    const listener = client().onProgress((e) => {
      if (e.kind === 'batch' && e.epoch === epoch && e.batch === 1) source.cancel();
    });
    const result = await client()
      .sendRequest(P.train, { recipe: session.recipe(mini, { ...SMALL, epochs: 3, name }), cacheDir }, source.token)
      .finally(() => listener.dispose());
    assert.equal(result.cancelled, true);
    assert.equal(runStatus(result.runDir), 'cancelled');
    assert.ok(!fs.existsSync(path.join(result.runDir, 'model.json')), 'a cancelled run has no final model');
    return result;
  };
  const first = await cancelAt(1, 'cancel-epoch-1');
  assert.deepEqual(first.transfer.history, []);
  assert.ok(!fs.existsSync(path.join(first.runDir, 'checkpoint')), 'clearly absent: no checkpoint either');
  await assert.rejects(
    client().sendRequest(P.resume, { runDir: first.runDir, cacheDir }),
    /has no checkpoint to resume from \(no epoch finished\)/,
  );

  const second = await cancelAt(2, 'cancel-epoch-2');
  assert.deepEqual(
    second.transfer.history.map((h) => h.epoch),
    [1],
  );
  assert.equal(readJson<{ epoch: number }>(path.join(second.runDir, 'checkpoint', 'state.json')).epoch, 1);
  assert.ok((await loads(path.join(second.runDir, 'checkpoint'))) > 0);
  const resumed = await client().sendRequest(P.resume, { runDir: second.runDir, cacheDir });
  assert.deepEqual(
    resumed.transfer.history.map((h) => h.epoch),
    [1, 2, 3],
  );
  await freshTrainingWorks();
});

test('cancel during the final save comes too late to stop it: the run is complete and consistent', async () => {
  const source = new CancellationTokenSource();
  const listener = client().onProgress((e) => {
    if (e.kind === 'stage' && e.stage === 'saving') source.cancel();
  });
  const result = await client()
    .sendRequest(P.train, { recipe: session.recipe(mini, { ...SMALL, name: 'cancel-save' }), cacheDir }, source.token)
    .finally(() => listener.dispose());
  assert.equal(result.cancelled, false);
  assert.equal(runStatus(result.runDir), 'finished');
  assert.ok(fs.existsSync(path.join(result.runDir, 'evaluation.json')));
  assert.ok(!fs.readdirSync(result.runDir).some((f) => f.endsWith('.tmp')));
  assert.ok((await loads(result.runDir)) > 0);
  await freshTrainingWorks();
});

test('a base fixed at another input size and channel count: images are resized and converted; 4 channels or a flat input is a clear error', async () => {
  await tf.setBackend('cpu');
  const bases = path.join(work, 'bases');
  await saveLayersModel(imageBase([32, 32, 3], 8), path.join(bases, 'rgb32'));
  await saveLayersModel(imageBase([32, 32, 4], 8), path.join(bases, 'rgba'));
  const flatInput = tf.input({ shape: [100] });
  await saveLayersModel(
    tf.model({ inputs: flatInput, outputs: tf.layers.dense({ units: 2 }).apply(flatInput) as tf.SymbolicTensor }),
    path.join(bases, 'flat'),
  );

  // Grayscale 28×28 digits into a base that takes 32×32 RGB; the recipe's own inputSize cannot override the base.
  const r = await client().sendRequest(P.train, {
    recipe: session.recipe(mini, {
      base: path.join(bases, 'rgb32'),
      inputSize: [28, 28],
      inputChannels: 1,
      epochs: 2,
      batchSize: 8,
      patience: 0,
      learningRate: 0.01,
      name: 'rgb32',
    }),
    cacheDir,
  });
  assert.deepEqual(readJson<{ input: unknown }>(path.join(r.runDir, 'run.json')).input, {
    kind: 'image',
    size: [32, 32],
    channels: 3,
    scale: 'unit',
  });
  assert.equal(r.transfer.history.length, 2);
  assert.equal(r.skipped.length, 0, 'every image was resized and converted, none refused');

  await assert.rejects(
    client().sendRequest(P.train, {
      recipe: session.recipe(mini, { base: path.join(bases, 'rgba'), epochs: 1 }),
      cacheDir,
    }),
    /rgba expects 4 channels per pixel; only 1 \(grayscale\) and 3 \(RGB\) are supported\.$/,
  );
  await assert.rejects(
    client().sendRequest(P.listLayers, { base: path.join(bases, 'flat'), cacheDir }),
    /flat takes 1 input\(s\) of rank 2; an image base needs one input of shape \[batch, height, width, channels\]\.$/,
  );
  await freshTrainingWorks();
});

test('a model.json whose weights have the wrong sizes is refused, naming the weight and both shapes', async () => {
  await tf.setBackend('cpu');
  const dir = path.join(work, 'bases', 'mixed');
  const other = path.join(work, 'bases', 'wider');
  await saveLayersModel(imageBase([32, 32, 3], 8), dir);
  await saveLayersModel(imageBase([32, 32, 3], 16), other);
  // The topology of one model with the weights (and their manifest) of a wider one: every byte count agrees.
  const json = readJson<{ weightsManifest: { paths: string[] }[] }>(path.join(dir, 'model.json'));
  json.weightsManifest = readJson<{ weightsManifest: { paths: string[] }[] }>(
    path.join(other, 'model.json'),
  ).weightsManifest;
  fs.copyFileSync(path.join(other, json.weightsManifest[0].paths[0]), path.join(dir, json.weightsManifest[0].paths[0]));
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  const expected =
    /^Could not load .*mixed\/model\.json: its weight conv_a\/kernel has shape \[3,3,3,16\] but the model needs \[3,3,3,8\]; the weights belong to another model\.$/;
  const refused = (e: Error) => expected.test(e.message);
  await assert.rejects(client().sendRequest(P.listLayers, { base: dir, cacheDir }), refused);
  await assert.rejects(
    client().sendRequest(P.train, { recipe: session.recipe(mini, { base: dir, epochs: 1 }), cacheDir }),
    refused,
  );
  await freshTrainingWorks();
});

test('10,000 images in one class are scanned from their headers and trained on', async () => {
  const dir = path.join(work, 'many');
  const one = path.join(mini, '1', fs.readdirSync(path.join(mini, '1'))[0]);
  fs.mkdirSync(path.join(dir, 'many'), { recursive: true });
  // Hard links: 10,000 directory entries the scanner opens one by one, without 10,000 copies to write and delete
  // (on this CI disk those take half a minute, and they measure the disk, not the scanner).
  for (let i = 0; i < 10_000; i++) fs.linkSync(one, path.join(dir, 'many', `${String(i).padStart(5, '0')}.png`));
  fs.cpSync(path.join(mini, '2'), path.join(dir, 'few'), { recursive: true });
  const started = process.hrtime.bigint();
  const scan = await client().sendRequest(P.scanDataset, { folder: dir });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(
    `scanner: ${scan.classes.reduce((n, c) => n + c.files.length, 0)} images in ${ms.toFixed(0)} ms (${(10_012 / (ms / 1000)).toFixed(0)} files/s) through the trainer process`,
  );
  assert.deepEqual(
    scan.classes.map((c) => [c.name, c.files.length]),
    [
      ['few', 12],
      ['many', 10_000],
    ],
  );
  assert.ok(scan.warnings.some((w) => /Classes are imbalanced: "many" has 10000 images, "few" only 12/.test(w)));
  const r = await client().sendRequest(P.train, {
    recipe: session.recipe(dir, { ...SMALL, maxPerClass: 12, name: 'many' }),
    cacheDir,
  });
  assert.equal(r.split.train + r.split.validation + r.split.test, 24);
  await freshTrainingWorks();
});

test('nested subfolders count for their top-level class, with a warning that names them', async () => {
  const dir = path.join(work, 'nested');
  copyDigits(path.join(dir, 'zero'), ['0'], 6, (i) => (i < 3 ? '' : path.join('more', i < 5 ? '' : 'deeper')));
  copyDigits(path.join(dir, 'one'), ['1'], 6);
  const scan = await client().sendRequest(P.scanDataset, { folder: dir });
  assert.deepEqual(
    scan.classes.map((c) => [c.name, c.files.length]),
    [
      ['one', 6],
      ['zero', 6],
    ],
  );
  assert.ok(
    scan.warnings.some(
      (w) =>
        w ===
        `Class "zero" takes 3 of its images from subfolders (more); they are all labelled "zero". If the subfolders are the classes, choose ${path.join(dir, 'zero')} as the dataset folder.`,
    ),
    scan.warnings.join('\n'),
  );
  assert.ok(!scan.warnings.some((w) => /"one"/.test(w)));
  const r = await client().sendRequest(P.train, {
    recipe: session.recipe(dir, { ...SMALL, name: 'nested' }),
    cacheDir,
  });
  assert.deepEqual(r.classes, ['one', 'zero']);

  // The usual trap: a folder of train/ and val/ splits chosen instead of one of them.
  const splits = path.join(work, 'splits');
  for (const part of ['train', 'val']) for (const d of ['0', '1']) copyDigits(path.join(splits, part, d), [d], 4);
  const trap = await client().sendRequest(P.scanDataset, { folder: splits });
  assert.ok(trap.warnings.some((w) => /^Class "train" takes 8 of its images from subfolders \(0, 1\)/.test(w)));
  await freshTrainingWorks();
});

test('a recipe whose paths leave the workspace is refused by confinePath before any training', async () => {
  const ws = path.join(work, 'workspace');
  const outside = path.join(work, 'outside-data');
  copyDigits(outside, ['0', '1'], 4);
  fs.mkdirSync(path.join(ws, 'recipes'), { recursive: true });
  fs.symlinkSync(outside, path.join(ws, 'linked-data'));
  fs.cpSync(mini, path.join(ws, 'data'), { recursive: true });
  const write = (name: string, lines: string[]) => {
    const file = path.join(ws, 'recipes', name);
    fs.writeFileSync(
      file,
      ['mode: source', 'inputSize: [28, 28]', 'inputChannels: 1', 'epochs: 1', 'batchSize: 8', ...lines].join('\n'),
    );
    return loadRecipe(file);
  };
  const confine = (r: TrainRecipe) => [
    confinePath(r.data, [ws], { what: 'dataset folder' }),
    confinePath(r.outputDir, [ws], { what: 'output folder' }),
  ];
  const escaping = write('escape.recipe.yaml', ['data: ../../outside-data', 'outputDir: ../../../elsewhere/runs']);
  const [data, out] = confine(escaping);
  assert.match(
    data.ok ? '' : data.reason,
    /^The dataset folder ".*\/outside-data" is outside the workspace folder ".*\/workspace"; Transfer Studio only reads and writes inside the workspace\.$/,
  );
  assert.match(out.ok ? '' : out.reason, /^The output folder ".*\/elsewhere\/runs" is outside the workspace folder/);
  const linked = write('linked.recipe.yaml', ['data: ../linked-data']);
  const [viaLink] = confine(linked);
  assert.match(
    viaLink.ok ? '' : viaLink.reason,
    /^The dataset folder ".*\/workspace\/linked-data" resolves through a symbolic link to ".*\/outside-data", which is outside the workspace folder/,
  );

  const inside = write('inside.recipe.yaml', ['data: ../data', 'outputDir: ../runs', 'name: confined']);
  const checked = confine(inside);
  assert.ok(checked.every((c) => c.ok));
  const r = await client().sendRequest(P.train, {
    recipe: { ...inside, data: checked[0].ok ? checked[0].path : '', outputDir: checked[1].ok ? checked[1].path : '' },
    cacheDir,
  });
  assert.ok(r.runDir.startsWith(path.join(fs.realpathSync(ws), 'runs')));
  await freshTrainingWorks();
});

test('a truncated JPEG photo and a truncated PNG are skipped with their reasons, and training goes on', async () => {
  const dir = path.join(work, 'truncated');
  fs.cpSync(mini, dir, { recursive: true });
  const photo = fs.readFileSync(path.join(fixture('photos'), 'rocket.jpg'));
  fs.writeFileSync(path.join(dir, '0', 'rocket-half.jpg'), photo.subarray(0, photo.length >> 1));
  const digit = fs.readFileSync(path.join(dir, '1', fs.readdirSync(path.join(dir, '1'))[0]));
  fs.writeFileSync(path.join(dir, '1', 'digit-half.png'), digit.subarray(0, digit.length >> 1));
  const r = await client().sendRequest(P.train, {
    recipe: session.recipe(dir, { ...SMALL, name: 'truncated' }),
    cacheDir,
  });
  const reasons = Object.fromEntries(r.skipped.map((s) => [path.basename(s.path), s.reason]));
  // Our own words, derived from the file's bytes: libvips' text for the same file changes with timing.
  assert.equal(reasons['rocket-half.jpg'], 'could not be decoded (the JPEG data is cut short)');
  assert.match(
    reasons['digit-half.png'],
    /^(could not be decoded|not a readable image) \(the PNG data is cut short\)$/,
  );
  assert.equal(runStatus(r.runDir), 'finished');
  const recorded = readJson<{ path: string; reason: string }[]>(path.join(r.runDir, 'skipped.json'));
  assert.deepEqual(
    recorded.map((s) => path.basename(s.path)).sort(),
    Object.keys(reasons).sort(),
    'the run folder records the files that failed to decode too',
  );
  await freshTrainingWorks();
});

test('a recipe that is invalid YAML, larger than 1 MiB or an alias bomb is refused with its own message', async () => {
  const dir = path.join(work, 'bad-recipes');
  fs.mkdirSync(dir, { recursive: true });
  const refusal = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    const started = process.hrtime.bigint();
    try {
      loadRecipe(file);
    } catch (e) {
      return { message: (e as Error).message, ms: Number(process.hrtime.bigint() - started) / 1e6 };
    }
    assert.fail(`${name} was accepted`);
  };
  assert.match(
    refusal('invalid.recipe.yaml', 'data: ./x\nepochs: [1, 2\nbase: {').message,
    /^Recipe .*invalid\.recipe\.yaml has \d+ problems:\n.*invalid\.recipe\.yaml:\d+:\d+: /,
  );
  assert.match(
    refusal('huge.recipe.yaml', `data: x\n${'# padding\n'.repeat(120_000)}`).message,
    /^Recipe .*huge\.recipe\.yaml is larger than 1 MiB; a recipe is a short YAML or JSON file\.$/,
  );
  const level = (n: number, ref: string) => `${n}: &${n} [${Array(9).fill(ref).join(', ')}]`;
  const bombText = [level(1, 'lol'), ...[2, 3, 4, 5, 6, 7, 8].map((n) => level(n, `*${n - 1}`)), 'data: x'].join('\n');
  const bomb = refusal('bomb.recipe.yaml', bombText);
  console.log(
    `alias bomb (9^8 = ${9 ** 8} nodes if expanded, ${bombText.length} bytes) refused in ${bomb.ms.toFixed(0)} ms`,
  );
  assert.match(
    bomb.message,
    /bomb\.recipe\.yaml:\d+:\d+: The recipe cannot be read: Excessive alias count indicates a resource exhaustion attack/,
  );
  await freshTrainingWorks();
});
