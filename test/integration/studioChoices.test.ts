// The freeze operations of the Layers view and the panel, end to end without VS Code: toggles on the real
// MobileNetV2 layer list become the recipe the extension sends, and the run trains exactly those layers.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { recipeFromChoices } from '../../src/host/training/recipeFromChoices';
import * as freeze from '../../src/shared/freezePlan';
import type { StudioChoices } from '../../src/shared/panelProtocol';
import { fixture, trainerSession } from '../helpers/fixtures';
import * as P from '../../src/shared/trainerProtocol';

const session = trainerSession('choices');

const settings = {
  epochs: 1,
  learningRate: 0.001,
  batchSize: 16,
  validationSplit: 0.2,
  augmentation: false,
  secondPhase: false,
  compareScratch: false,
  timeBudget: 180,
};

test('freeze up to here / unfreeze from here / a checkbox: totals, and the run trains exactly the unchecked-frozen layers', async () => {
  const base = await session.client.sendRequest(P.listLayers, { base: 'mobilenet_v2', cacheDir: session.cacheDir });
  const cut = base.defaultFeatureLayer;
  let frozen = freeze.allFrozen(base.layers, cut);
  assert.equal(freeze.parameterTotals(base.layers, cut, frozen).trainable, 0);

  // "Freeze up to here" on block_16_project: only Conv_1 and its BatchNorm stay trainable.
  frozen = freeze.freezeUpTo(base.layers, cut, 'block_16_project');
  const top = base.layers.filter((l) => ['block_16_project_BN', 'Conv_1', 'Conv_1_bn'].includes(l.name));
  assert.deepEqual(
    freeze
      .keptLayers(base.layers, cut)
      .filter((l) => l.hasWeights && !frozen.includes(l.name))
      .map((l) => l.name),
    top.map((l) => l.name),
  );
  // Unchecking one box freezes it again; "unfreeze from here" on an earlier layer opens it and every later one.
  frozen = freeze.setTrainable(frozen, 'block_16_project_BN', false);
  assert.ok(freeze.unfreezeFrom(base.layers, cut, frozen, 'block_16_expand').every((n) => !n.startsWith('block_16')));
  const expected = top.filter((l) => l.name !== 'block_16_project_BN').reduce((s, l) => s + l.trainableParams, 0);
  assert.equal(freeze.parameterTotals(base.layers, cut, frozen).trainable, expected);

  const choices: StudioChoices = {
    dataFolder: fixture('fashion-small'),
    base: 'mobilenet_v2',
    featureLayer: cut,
    frozen,
    settings,
  };
  const recipe = {
    ...recipeFromChoices(choices, base, {
      mode: 'transfer',
      runsDir: path.join(session.work, 'runs'),
      name: 'toggled',
    }),
    maxPerClass: 10,
    patience: 0,
  };
  assert.deepEqual(recipe.freeze, { featureLayer: cut, frozen });
  const result = await session.client.sendRequest(P.train, { recipe, cacheDir: session.cacheDir });
  const head = 1280 * 3 + 3;
  assert.equal(result.transfer.trainableParams, expected + head);
  const info = JSON.parse(fs.readFileSync(path.join(result.runDir, 'run.json'), 'utf8')) as {
    trainableParams: number;
    status: string;
  };
  assert.equal(info.status, 'finished');
  assert.equal(info.trainableParams, expected + head);
  const saved = JSON.parse(fs.readFileSync(path.join(result.runDir, 'recipe.json'), 'utf8')) as {
    freeze: { frozen: string[] };
  };
  assert.deepEqual(saved.freeze.frozen, frozen);
});

test('the second phase starts at the top block before the cut', async () => {
  const base = await session.client.sendRequest(P.listLayers, { base: 'mobilenet_v2', cacheDir: session.cacheDir });
  const choices: StudioChoices = {
    dataFolder: fixture('fashion-small'),
    base: 'mobilenet_v2',
    featureLayer: base.defaultFeatureLayer,
    frozen: freeze.allFrozen(base.layers, base.defaultFeatureLayer),
    settings: { ...settings, secondPhase: true, epochs: 4 },
  };
  const recipe = recipeFromChoices(choices, base, { mode: 'transfer', runsDir: session.work, name: 'x' });
  assert.deepEqual(recipe.secondPhase, { unfreezeFrom: 'block_16_expand', epochs: 2, learningRate: 0.0001 });
});
