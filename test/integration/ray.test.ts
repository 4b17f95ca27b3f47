// A recipe run on a real Ray (a private local instance, 2 CPU workers, Keras 3 on torch) through the built
// binary: the run folder it leaves is a normal one, and its TF.js model predicts what the trained Keras file
// predicts on the same pixels.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Prediction, ProgressEvent, RunResult, RunTimings } from '../../src/shared/engineTypes';
import { RAY_LINE_MARKER, type RayJobLine } from '../../src/shared/rayProtocol';
import { DIST, tempDir } from '../helpers/fixtures';
import { runPython, skipWithoutPython, testPython } from '../helpers/python';
import { alive, jobLines, ofType, rayRecipe, readJobLog, startTraining } from '../helpers/rayJob';

const skip = skipWithoutPython();
const work = tempDir('ray');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const ENV = { ...process.env, TRANSFER_STUDIO_CACHE: path.join(work, 'cache'), TRANSFER_STUDIO_BACKEND: 'wasm' };

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), ...args], {
    encoding: 'utf8',
    cwd: work,
    env: ENV,
    timeout: 600_000,
  });
  const lines = r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; result?: unknown; message?: string } & Partial<ProgressEvent>);
  return { code: r.status, lines, stderr: r.stderr };
}

function recipe(
  name = 'digits',
  lines = ['epochs: 1', 'secondPhase:', '  unfreezeFrom: Conv_1', '  epochs: 1', 'outputDir: runs'],
): string {
  return rayRecipe(work, name, lines);
}

test(
  '--ray local with 2 workers: both phases train, the workers agree, the run folder predicts like the trained Keras file',
  { skip },
  () => {
    const r = cli(
      'train',
      '--recipe',
      recipe(),
      '--ray',
      'local',
      '--workers',
      '2',
      '--python',
      testPython()!,
      '--json',
    );
    assert.equal(r.code, 0, `${r.stderr}\n${JSON.stringify(r.lines.filter((l) => l.type === 'error'))}`);
    const result = r.lines.find((l) => l.type === 'result')!.result as RunResult;
    // One epoch of each phase came through as the trainer protocol's epoch events, as the panel draws them.
    const epochs = r.lines.filter((l) => l.kind === 'epoch') as { metrics: { phase: number } }[];
    assert.deepEqual(
      epochs.map((e) => e.metrics.phase),
      [1, 2],
    );
    assert.deepEqual(
      result.transfer.history.map((h) => h.phase),
      [1, 2],
    );
    assert.ok(r.lines.some((l) => l.kind === 'batch'));
    // The job compared every worker's weight digest; the driver refuses a run whose workers disagree.
    const job = JSON.parse(fs.readFileSync(path.join(result.runDir, 'ray-job.json'), 'utf8')) as {
      jobDir: string;
      test: { path: string; label: number }[];
      plan: { workers: number };
    };
    assert.equal(job.plan.workers, 2);
    const digests = fs
      .readFileSync(path.join(job.jobDir, 'job.log'), 'utf8')
      .match(/"weightDigests":\[("[0-9a-f]{64}"),("[0-9a-f]{64}")\]/);
    assert.ok(digests, 'the job reports two weight digests');
    assert.equal(digests[1], digests[2]);
    // Each line the job says reaches its log once (Ray Train's print() in the workers wrote every line twice).
    const said = fs
      .readFileSync(path.join(job.jobDir, 'job.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes(RAY_LINE_MARKER));
    assert.equal(new Set(said).size, said.length, `${said.length - new Set(said).size} job lines came twice`);

    const run = JSON.parse(fs.readFileSync(path.join(result.runDir, 'run.json'), 'utf8')) as {
      status: string;
      timings?: RunTimings;
    };
    assert.equal(run.status, 'finished');
    // Where the time went, under the local run's names, in run.json and the result alike.
    assert.deepEqual(Object.keys(run.timings ?? {}).sort(), ['evaluation', 'features', 'startup', 'training']);
    assert.ok(
      Object.values(run.timings!).every((t) => Number.isFinite(t) && t > 0),
      JSON.stringify(run.timings),
    );
    assert.deepEqual(result.timings, run.timings);
    // Each phase's frozen part has its values once per image in the cache folder (not the run's): the second
    // phase's activations first, then the head's features, computed from them rather than from the base.
    const caches = jobLog(job.jobDir).filter((l): l is Extract<RayJobLine, { type: 'cache' }> => l.type === 'cache');
    const images = result.split.train + result.split.validation + result.split.test;
    assert.deepEqual(
      caches.map((c) => [c.layer, c.cached + c.computed]),
      [
        ['block_16_project_BN', images],
        ['head_pool', images],
      ],
    );
    assert.ok(caches.every((c) => c.folder.startsWith(path.join(work, 'cache', 'ray-features'))));
    // The evaluation is the cluster's test scores (the engine's model agreed with them on the first images),
    // not a second pass of the whole base over the test images on this machine.
    const trained = ofType(jobLog(job.jobDir), 'trained')[0];
    assert.ok(trained.testScores && trained.test, 'the job wrote its test scores');
    assert.equal(result.transfer.evaluation.count, result.split.test);
    assert.ok(Math.abs(result.transfer.evaluation.accuracy - trained.test.accuracy) < 1e-9);
    const saved = JSON.parse(fs.readFileSync(path.join(result.runDir, 'recipe.json'), 'utf8')) as {
      ray?: { address: string; workers: number };
    };
    assert.deepEqual([saved.ray?.address, saved.ray?.workers], ['local', 2]);

    // The engine's model of the run and Keras' trained file, on the very pixels the job trained with.
    const predict = cli('predict', result.runDir, ...job.test.map((s) => s.path), '--json');
    assert.equal(predict.code, 0, predict.stderr);
    // One `prediction` line per image; matched to the job's test order by path.
    const byPath = new Map(
      predict.lines
        .filter((l) => l.type === 'prediction')
        .map((l) => [path.resolve((l as unknown as Prediction).path), l as unknown as Prediction]),
    );
    const engine = job.test.map((s) => byPath.get(path.resolve(s.path))!);
    assert.ok(engine.every(Boolean), 'a prediction for every test image');
    const script = path.join(work, 'keras_predict.py');
    fs.writeFileSync(
      script,
      [
        'import json, sys, numpy as np, keras',
        'm = keras.saving.load_model(sys.argv[1], compile=False)',
        'print(json.dumps(m.predict(np.load(sys.argv[2]).astype("float32"), verbose=0).tolist()))',
      ].join('\n'),
    );
    const keras = JSON.parse(
      runPython(script, [path.join(result.runDir, 'model.keras'), path.join(job.jobDir, 'test_x.npy')], {
        KERAS_BACKEND: 'torch',
      }),
    ) as number[][];
    assert.equal(keras.length, engine.length);
    engine.forEach((p, i) => {
      result.classes.forEach((c, k) =>
        assert.ok(
          Math.abs(p.scores[c] - keras[i][k]) < 1e-3,
          `${p.path} ${c}: engine ${p.scores[c]}, Keras ${keras[i][k]}`,
        ),
      );
    });
  },
);

test(
  'a missing Python, a Python without ray, an address nobody listens on, and missing GPUs each end in one line naming them',
  { skip },
  () => {
    const file = recipe();
    const runs = () => (fs.existsSync(path.join(work, 'runs')) ? fs.readdirSync(path.join(work, 'runs')).length : 0);
    const before = runs();
    const missing = cli(
      'train',
      '--recipe',
      file,
      '--ray',
      'local',
      '--python',
      path.join(work, 'no-such-python'),
      '--json',
    );
    assert.equal(missing.code, 1);
    assert.match(missing.lines.find((l) => l.type === 'error')!.message!, /Python not found: ".*no-such-python"/);
    const unreachable = cli('train', '--recipe', file, '--ray', '127.0.0.1:9', '--python', testPython()!, '--json');
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.lines.find((l) => l.type === 'error')!.message!, /127\.0\.0\.1:9/);
    // A real Python without its site-packages (-S): ray is not importable there.
    const bare = path.join(work, 'bare-python');
    fs.writeFileSync(bare, `#!/bin/sh\nexec "${testPython()!}" -S "$@"\n`, { mode: 0o755 });
    const noRay = cli('train', '--recipe', file, '--ray', 'local', '--python', bare, '--json');
    assert.equal(noRay.code, 1);
    assert.match(noRay.lines.find((l) => l.type === 'error')!.message!, /cannot import ray.*install ray\[train\]/);
    // The test machine has no GPU (torch 2.13 CPU build).
    const gpus = cli(
      'train',
      '--recipe',
      file,
      '--ray',
      'local',
      '--gpus-per-worker',
      '1',
      '--python',
      testPython()!,
      '--json',
    );
    assert.equal(gpus.code, 1);
    assert.match(gpus.lines.find((l) => l.type === 'error')!.message!, /0 GPUs.*2 workers with 1 CPU and 1 GPUs each/);
    // Both were found before any data was decoded or a run folder made.
    assert.equal(runs(), before);
  },
);

/** The job's lines in a job folder's log, each once. */
const jobLog = (jobDir: string) => readJobLog(path.join(jobDir, 'job.log'));

test('cancel mid-run stops the driver and every worker process, and marks the run cancelled', { skip }, async () => {
  const runs = path.join(work, 'runs-cancel');
  const file = recipe('cancel', ['epochs: 40', `outputDir: ${runs}`]);
  const args = ['--recipe', file, '--ray', 'local', '--workers', '2', '--python', testPython()!];
  const run = startTraining(work, ENV, args, runs);
  const started = await run.until('the first epoch', () => {
    const lines = jobLines(runs);
    return lines.some((l) => l.type === 'epoch') ? ofType(lines, 'workers')[0] : undefined;
  });
  assert.equal(started.workers.length, 2);
  assert.deepEqual(
    started.workers.map((w) => alive(w.pid)),
    [true, true],
    'the reported workers run while training',
  );
  run.child.kill('SIGINT');
  assert.equal(await run.exit, 130, run.why());
  assert.match(run.output().find((l) => l.type === 'error')!.message!, /Cancelled/);
  // Every worker process is gone once the CLI has exited (ray.shutdown() ends them; allow it a minute).
  const pids = started.workers.map((w) => w.pid);
  for (let i = 0; i < 120 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(pids.filter(alive), []);
  const runDir = path.join(runs, fs.readdirSync(runs)[0]);
  assert.equal(
    (JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { status: string }).status,
    'cancelled',
  );
});
