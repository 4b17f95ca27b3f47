// Learning quality end to end through the trainer process: the automatic default flow records its trials and
// its test split, imbalanced classes are sampled balanced with per-class recall reported, and the baselines
// without transfer are trained for the transfer run's time with a plain verdict.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { AUTO, AUTO_TEST_SPLIT } from '../../src/shared/autoFlow';
import type { ProgressEvent, QualityReport } from '../../src/shared/engineTypes';
import { fixture, trainerSession } from '../helpers/fixtures';
import * as P from '../../src/shared/trainerProtocol';

const session = trainerSession('quality');
const { cacheDir, recipe } = session;

function logs(): { lines: string[]; done: () => void } {
  const lines: string[] = [];
  const listener = session.client.onProgress((e: ProgressEvent) => {
    if (e.kind === 'log') lines.push(e.message);
  });
  return { lines, done: () => listener.dispose() };
}

test('the default flow holds out a test split, records each trial in run.json, and keeps the head when fine-tuning cannot fit', async () => {
  // A one-second budget: the head gets its share, fine-tuning the top blocks (90 images through most of the
  // base first) cannot fit, and the trials say so.
  const result = await session.client.sendRequest(P.train, {
    recipe: recipe(fixture('fashion-small'), {
      epochs: AUTO,
      secondPhase: AUTO,
      testSplit: AUTO,
      timeBudget: 1,
      batchSize: 16,
      name: 'auto',
    }),
    cacheDir,
  });
  assert.equal(
    result.split.test,
    3 * Math.round(30 * AUTO_TEST_SPLIT),
    'every class has 30 images: 15 % of each is held out',
  );
  assert.equal(result.transfer.evaluatedOn, 'test');
  const run = JSON.parse(fs.readFileSync(path.join(result.runDir, 'run.json'), 'utf8')) as QualityReport;
  // The recipe's linear head, then a wider one on the same cached features: one of them is kept, on validation.
  assert.deepEqual(
    run.trials?.map((t) => t.name),
    ['head', 'wider head', 'fine-tune'],
  );
  const [linear, wider, fineTune] = run.trials!;
  assert.deepEqual([linear.outcome, wider.outcome].sort(), ['kept', 'not kept']);
  assert.ok(linear.epochs >= 1 && linear.valAccuracy !== undefined && wider.valAccuracy !== undefined);
  assert.equal(fineTune.outcome, 'skipped');
  assert.match(fineTune.reason, /budget left/);
  const saved = JSON.parse(fs.readFileSync(path.join(result.runDir, 'recipe.json'), 'utf8')) as {
    head: { dense?: number };
  };
  assert.equal(
    saved.head.dense ?? 0,
    wider.outcome === 'kept' ? 128 : 0,
    'recipe.json names the head the saved model has',
  );
  assert.equal(
    result.transfer.trainableParams,
    wider.outcome === 'kept' ? 1280 * 128 + 128 + 128 * 3 + 3 : 1280 * 3 + 3,
  );
  const evaluation = JSON.parse(fs.readFileSync(path.join(result.runDir, 'evaluation.json'), 'utf8')) as QualityReport;
  assert.deepEqual(evaluation.trials, run.trials);
});

test('imbalanced classes are sampled balanced; the baselines without transfer train for the same time and the verdict is plain', async () => {
  // digits-0-4 cut to 40 images of "0" and 8 of each other class: beyond the imbalance ratio.
  const dir = path.join(session.work, 'imbalanced');
  for (const d of ['0', '1', '2']) {
    fs.mkdirSync(path.join(dir, d), { recursive: true });
    const files = fs
      .readdirSync(path.join(fixture('digits-0-4'), d))
      .sort()
      .slice(0, d === '0' ? 40 : 8);
    for (const f of files) fs.copyFileSync(path.join(fixture('digits-0-4'), d, f), path.join(dir, d, f));
  }
  const log = logs();
  const result = await session.client
    .sendRequest(P.train, {
      recipe: recipe(dir, {
        epochs: 2,
        patience: 0,
        batchSize: 16,
        validationSplit: 0.25,
        compareScratch: true,
        name: 'imbalanced',
      }),
      cacheDir,
    })
    .finally(log.done);
  assert.ok(
    log.lines.some((l) => /balanced sampling/.test(l)),
    log.lines.join('\n'),
  );
  assert.deepEqual(
    result.baselines?.map((b) => b.name),
    ['small CNN 28×28×1', 'linear on pixels 28×28×1'],
    "the data's own resolution, grey",
  );
  const evaluation = JSON.parse(fs.readFileSync(path.join(result.runDir, 'evaluation.json'), 'utf8')) as QualityReport;
  assert.equal(evaluation.baselines?.length, 2);
  const best = Math.max(...result.baselines!.map((b) => b.result.evaluation.accuracy));
  assert.match(
    evaluation.verdict ?? '',
    best > result.transfer.evaluation.accuracy ? /^Transfer loses/ : /^Transfer wins/,
  );
  assert.equal(result.transfer.evaluation.perClass.length, 3);
});

test('Compare Bases: a linear probe per base with its uncertainty and costs; a base that cannot load is a row with its error', async () => {
  const result = await session.client.sendRequest(P.probe, {
    folder: fixture('fashion-small'),
    bases: ['mobilenet_v2', 'no_such_base'],
    cacheDir,
    seed: 42,
    validationSplit: 0.3,
  });
  assert.deepEqual(
    result.rows.map((r) => [r.base, r.error === undefined]),
    [
      ['mobilenet_v2', true],
      ['no_such_base', false],
    ],
  );
  const [ok] = result.rows;
  assert.equal(ok.validationImages, result.split.validation);
  assert.ok(
    ok.accuracy > 1 / 3,
    `a linear probe on MobileNetV2 features beats chance on three classes (got ${ok.accuracy})`,
  );
  assert.ok(Math.abs(ok.standardError - Math.sqrt((ok.accuracy * (1 - ok.accuracy)) / ok.validationImages)) < 1e-12);
  assert.ok(ok.params > 1e6 && ok.bytes > 1e6 && ok.secondsPerImage > 0);
  assert.equal(result.recommended, 'mobilenet_v2');
});
