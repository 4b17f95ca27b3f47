// Learning quality end to end through the trainer process: the automatic default flow records its trials and
// its test split, imbalanced classes are sampled balanced with per-class recall reported, and the baselines
// without transfer are trained for the transfer run's time with a plain verdict.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { AUTO, AUTO_TEST_SPLIT, betterOnValidation } from '../../src/shared/autoFlow';
import type { ProgressEvent } from '../../src/shared/engineTypes';
import type { QualityReport, Trial } from '../../src/shared/evaluationTypes';
import type { ImageInput } from '../../src/shared/inputSpec';
import { fixture, trainerSession } from '../helpers/fixtures';
import * as P from '../../src/shared/trainerProtocol';

const session = trainerSession('quality');
/** MobileNetV2's candidate cuts (candidateCuts()): out_relu and the last activations at 14×14 and 28×28. */
const CUTS = ['out_relu', 'block_13_expand_relu', 'block_6_expand_relu'];

interface RunFacts {
  featureLayer?: string;
  /** run.json version 2 says how the model is fed by kind of data; these runs are images. */
  input: ImageInput;
}

const figures = (t: Trial) => ({ valAccuracy: t.valAccuracy ?? -Infinity, valLoss: t.valLoss ?? Infinity });
const { cacheDir, recipe } = session;

function logs(): { lines: string[]; done: () => void } {
  const lines: string[] = [];
  const listener = session.client.onProgress((e: ProgressEvent) => {
    if (e.kind === 'log') lines.push(e.message);
  });
  return { lines, done: () => listener.dispose() };
}

test('the default flow holds out a test split, compares cuts and pixel baselines, records each trial, and keeps the best on validation', async () => {
  // A one-second budget: each trial gets its share; not one epoch of fine-tuning the top blocks fits (their
  // activations came from the feature pass), nor of the top block alone, and the trials say so.
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
  const run = JSON.parse(fs.readFileSync(path.join(result.runDir, 'run.json'), 'utf8')) as QualityReport & RunFacts;
  // The recipe's head at each candidate cut, a wider head at the best, the pixel baselines, the best transfer
  // model and a pixel MLP averaged, then fine-tuning.
  const trials = run.trials!;
  assert.deepEqual(
    trials.map((t) => t.name),
    [
      'head',
      ...CUTS.slice(1).map((c) => `head at ${c}`),
      'wider head',
      'pixels linear',
      'pixels MLP',
      'head + pixels MLP',
      'fine-tune',
      'fine-tune top block',
    ],
  );
  // The wider head, the ensemble and fine-tuning work at the cut of the best head.
  const keptCut = trials[CUTS.length].cut;
  assert.deepEqual(
    trials.map((t) => t.cut),
    [...CUTS, keptCut, undefined, undefined, keptCut, keptCut, keptCut],
  );
  assert.deepEqual(
    trials.map((t) => t.kind),
    [...CUTS.map(() => 'transfer'), 'transfer', 'pixels-linear', 'pixels-mlp', 'transfer', 'transfer', 'transfer'],
  );
  assert.ok(trials.every((t) => t.budgetLeft !== undefined && t.budgetLeft >= 0));
  const tried = trials.filter((t) => t.outcome !== 'skipped');
  const kept = tried.filter((t) => t.outcome === 'kept');
  assert.equal(kept.length, 1);
  for (const t of tried)
    assert.ok(
      !betterOnValidation(figures(t), figures(kept[0])),
      `${t.name} scored better on validation than the kept ${kept[0].name}`,
    );
  // Neither the top two blocks nor, tried next, the top block alone fit the budget left.
  for (const fineTune of trials.slice(-2)) {
    assert.equal(fineTune.outcome, 'skipped');
    assert.match(fineTune.reason, /budget left/);
  }
  // What the run folder says matches the kept model: its cut, its head, its input and its size.
  const saved = JSON.parse(fs.readFileSync(path.join(result.runDir, 'recipe.json'), 'utf8')) as {
    head: { dense?: number };
    mode: string;
    sourceModel?: string;
  };
  const k = kept[0];
  // The ensemble's transfer part is the best transfer head (the last head trial that beat the one before).
  const heads = trials.slice(0, CUTS.length + 1);
  const head =
    k.name === 'head + pixels MLP' ? ([...heads].reverse().find((t) => / beats /.test(t.reason)) ?? heads[0]) : k;
  if (k.kind === 'transfer') {
    assert.equal(run.featureLayer, k.cut);
    assert.equal(saved.head.dense ?? 0, head.name === 'wider head' ? 128 : 0, 'recipe.json names the saved head');
    assert.deepEqual(run.input.size, [224, 224]);
  } else {
    assert.equal(run.featureLayer, undefined);
    // recipe.json trains this very model from scratch, and the checkpoint holds it (resume continues it).
    assert.deepEqual([saved.mode, saved.sourceModel], ['source', k.kind]);
    const state = JSON.parse(fs.readFileSync(path.join(result.runDir, 'checkpoint', 'state.json'), 'utf8'));
    assert.deepEqual([state.model, state.epoch], ['source', k.epochs]);
    assert.deepEqual(run.input, { kind: 'image', size: [28, 28], channels: 1, scale: 'unit' }, "the data's own pixels");
    const hidden = k.kind === 'pixels-mlp' ? 784 * 128 + 128 + 128 * 3 + 3 : 784 * 3 + 3;
    assert.equal(result.transfer.trainableParams, hidden);
  }
  const evaluation = JSON.parse(fs.readFileSync(path.join(result.runDir, 'evaluation.json'), 'utf8')) as QualityReport;
  assert.deepEqual(evaluation.trials, run.trials);
  // One pass filled each cut's cache under the key a run cut there uses: a run at another cut finds all of it.
  const atCut = await session.client.sendRequest(P.train, {
    recipe: recipe(fixture('fashion-small'), {
      epochs: 1,
      patience: 0,
      testSplit: AUTO,
      freeze: { featureLayer: CUTS[1] },
      name: 'at-cut',
    }),
    cacheDir,
  });
  assert.deepEqual(atCut.featureCache, { hits: 90, misses: 0 });
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
  const scratchEpochs: Extract<ProgressEvent, { kind: 'epoch' }>[] = [];
  const listener = session.client.onProgress((e: ProgressEvent) => {
    if (e.kind === 'epoch' && e.model === 'scratch') scratchEpochs.push(e);
  });
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
    .finally(() => [log.done(), listener.dispose()]);
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
  // The baselines stop on a plateau or at the transfer run's time: progress names that rule, not the epoch cap.
  assert.ok(scratchEpochs.length > 0);
  assert.ok(
    scratchEpochs.every((e) => e.untilPlateau !== undefined && e.untilPlateau > 0),
    JSON.stringify(scratchEpochs.map((e) => [e.epochs, e.untilPlateau])),
  );
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
  assert.equal(ok.correct.length, result.split.validation, 'one outcome per validation image, in the split order');
  assert.equal(ok.correct.filter(Boolean).length, Math.round(ok.accuracy * ok.validationImages));
  assert.ok(ok.interval[0] <= ok.accuracy && ok.accuracy <= ok.interval[1]);
  assert.ok(ok.params > 1e6 && ok.bytes > 1e6 && ok.secondsPerImage > 0);
  assert.equal(result.recommended, 'mobilenet_v2');
});
