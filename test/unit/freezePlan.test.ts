import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LayerInfo } from '../../src/shared/engineTypes';
import {
  allFrozen,
  expandFrozenEntry,
  freezeUpTo,
  frozenWithinCut,
  isKept,
  keptLayers,
  resolveFreezePlan,
  secondPhasePlan,
  unfreezeFrom,
} from '../../src/shared/freezePlan';
import { closestName } from '../../src/shared/nameDistance';

const layer = (name: string, index: number, hasWeights = true): LayerInfo => ({
  index,
  name,
  className: 'Conv2D',
  outputShape: [null, 4, 4, 8],
  trainableParams: hasWeights ? 10 : 0,
  nonTrainableParams: 0,
  hasWeights,
  isBatchNorm: false,
  block: '',
});
const layers = ['input', 'conv1', 'bn1', 'conv2', 'pool', 'conv3', 'out'].map((n, i) =>
  layer(n, i, !['input', 'pool'].includes(n)),
);

test('by default the whole kept base is frozen and cacheable', () => {
  const plan = resolveFreezePlan(layers, {}, 'conv3');
  assert.deepEqual(plan.kept, ['input', 'conv1', 'bn1', 'conv2', 'pool', 'conv3']);
  assert.equal(plan.frozen.size, 6);
  assert.equal(plan.baseFullyFrozen, true);
});

test('freeze up to a layer leaves the rest of the kept base trainable', () => {
  const plan = resolveFreezePlan(layers, { featureLayer: 'conv3', freezeUpTo: 'bn1' }, 'out');
  assert.deepEqual([...plan.frozen], ['input', 'conv1', 'bn1']);
  assert.equal(plan.baseFullyFrozen, false);
});

test('an explicit frozen set combines with freeze-up-to', () => {
  const plan = resolveFreezePlan(layers, { featureLayer: 'conv3', freezeUpTo: 'conv1', frozen: ['conv3'] }, 'out');
  assert.deepEqual([...plan.frozen].sort(), ['conv1', 'conv3', 'input']);
});

test('unknown layers get a did-you-mean', () => {
  assert.throws(
    () => resolveFreezePlan(layers, { featureLayer: 'conv_3' }, 'out'),
    /Unknown feature layer "conv_3"; did you mean "conv3"\?/,
  );
  assert.throws(() => resolveFreezePlan(layers, { frozen: ['zzzzzzzz'] }, 'out'), /Unknown frozen layer "zzzzzzzz"\./);
});

test('freezing a layer the cut removes is refused', () => {
  assert.throws(
    () => resolveFreezePlan(layers, { featureLayer: 'conv2', freezeUpTo: 'conv3' }, 'out'),
    /comes after the feature layer "conv2"/,
  );
});

test('second phase unfreezes from a layer to the cut', () => {
  const plan = secondPhasePlan(resolveFreezePlan(layers, {}, 'conv3'), layers, 'conv2');
  assert.deepEqual([...plan.frozen], ['input', 'conv1', 'bn1']);
  assert.equal(plan.baseFullyFrozen, false);
});

// The trainer's plan and the views' operations were two implementations that disagreed on the edges; the
// stricter answer won: an unknown feature layer and a layer the cut removes are refused, never ignored.
test('the cut keeps the base up to the feature layer, and an unknown feature layer is refused', () => {
  assert.deepEqual(
    keptLayers(layers, 'bn1').map((l) => l.name),
    ['input', 'conv1', 'bn1'],
  );
  assert.throws(() => keptLayers(layers, 'conv_3'), /Unknown feature layer "conv_3"; did you mean "conv3"\?/);
  assert.throws(() => allFrozen(layers, 'nope'), /Unknown feature layer "nope"/);
  assert.throws(() => frozenWithinCut(layers, 'nope', ['conv1']), /Unknown feature layer "nope"/);
  assert.deepEqual(allFrozen(layers, 'conv2'), ['conv1', 'bn1', 'conv2']);
});

test('unfreeze from here opens the layer and every later kept one, and refuses a layer the cut removes', () => {
  const frozen = allFrozen(layers, 'conv3');
  assert.deepEqual(unfreezeFrom(layers, 'conv3', frozen, 'conv2'), ['conv1', 'bn1']);
  assert.throws(() => unfreezeFrom(layers, 'conv2', frozen, 'conv3'), /"conv3" comes after the feature layer "conv2"/);
  assert.throws(
    () => unfreezeFrom(layers, 'conv3', frozen, 'cnv2'),
    /Unknown unfreeze-from layer "cnv2"; did you mean "conv2"\?/,
  );
  assert.throws(
    () => secondPhasePlan(resolveFreezePlan(layers, {}, 'conv2'), layers, 'conv3'),
    /second-phase layer "conv3" comes after/,
  );
  assert.throws(
    () => secondPhasePlan(resolveFreezePlan(layers, {}, 'conv3'), layers, 'zz9'),
    /Unknown second-phase layer "zz9"/,
  );
});

test('freeze up to here freezes the kept layers with weights up to the layer, and refuses one past the cut', () => {
  assert.deepEqual(freezeUpTo(layers, 'conv3', 'conv2'), ['conv1', 'bn1', 'conv2']);
  assert.throws(
    () => freezeUpTo(layers, 'conv2', 'conv3'),
    /freeze-up-to layer "conv3" comes after the feature layer "conv2"/,
  );
  assert.equal(isKept(layers, 'conv2', 'conv2'), true);
  assert.equal(isKept(layers, 'conv2', 'conv3'), false);
  assert.equal(isKept(layers, 'nope', 'conv1'), false);
});

test('closestName only suggests plausible typos', () => {
  assert.equal(closestName('block_1_expnd', ['block_1_expand', 'block_2_expand']), 'block_1_expand');
  assert.equal(closestName('totally_else', ['conv1']), undefined);
});

test('frozen entries: names, "up to <layer>" and glob patterns combine', () => {
  const plan = resolveFreezePlan(layers, { featureLayer: 'conv3', frozen: ['up to bn1', 'conv?', 'po*'] }, 'out');
  assert.deepEqual([...plan.frozen].sort(), ['bn1', 'conv1', 'conv2', 'conv3', 'input', 'pool']);
});

test('a glob freezes only within the cut; a glob or "up to" beyond the cut, or matching nothing, is refused', () => {
  const names = layers.map((l) => l.name);
  assert.deepEqual(expandFrozenEntry(names, 3, 'conv*'), { layers: ['conv1', 'conv2'] });
  assert.deepEqual(expandFrozenEntry(names, 3, 'o*').problem, {
    kind: 'afterCut',
    layer: 'out',
    role: 'first match of the pattern "o*",',
  });
  assert.deepEqual(expandFrozenEntry(names, 3, 'up to pool').problem, {
    kind: 'afterCut',
    layer: 'pool',
    role: 'freeze-up-to layer',
  });
  assert.deepEqual(expandFrozenEntry(names, 3, 'up to  cnv2 ').problem, {
    kind: 'unknown',
    layer: 'cnv2',
    role: 'freeze-up-to layer',
    suggestion: 'conv2',
  });
  assert.deepEqual(expandFrozenEntry(names, 3, 'x.*'), { layers: [], problem: { kind: 'noMatch' } });
  assert.throws(
    () => resolveFreezePlan(layers, { featureLayer: 'conv2', frozen: ['conv[12]*'] }, 'out'),
    /matches no layer/,
  );
  assert.throws(
    () => resolveFreezePlan(layers, { featureLayer: 'conv2', frozen: ['up to conv3'] }, 'out'),
    /freeze-up-to layer "conv3" comes after the feature layer "conv2"/,
  );
  assert.throws(
    () => resolveFreezePlan(layers, { featureLayer: 'conv2', frozen: ['up to conv_2'] }, 'out'),
    /Unknown freeze-up-to layer "conv_2"; did you mean "conv2"\?/,
  );
});
