import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LayerInfo } from '../../src/shared/engineTypes';
import { closestName, resolveFreezePlan, unfreezeFrom } from '../../src/trainer/models/freezePlan';

const layer = (name: string, index: number, hasWeights = true): LayerInfo => ({
  index, name, className: 'Conv2D', outputShape: [null, 4, 4, 8], trainableParams: hasWeights ? 10 : 0, nonTrainableParams: 0, hasWeights, isBatchNorm: false, block: '',
});
const layers = ['input', 'conv1', 'bn1', 'conv2', 'pool', 'conv3', 'out'].map((n, i) => layer(n, i, !['input', 'pool'].includes(n)));

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
  assert.throws(() => resolveFreezePlan(layers, { featureLayer: 'conv_3' }, 'out'), /Unknown feature layer "conv_3"; did you mean "conv3"\?/);
  assert.throws(() => resolveFreezePlan(layers, { frozen: ['zzzzzzzz'] }, 'out'), /Unknown frozen layer "zzzzzzzz"\./);
});

test('freezing a layer the cut removes is refused', () => {
  assert.throws(() => resolveFreezePlan(layers, { featureLayer: 'conv2', freezeUpTo: 'conv3' }, 'out'), /comes after the feature layer "conv2"/);
});

test('second phase unfreezes from a layer to the cut', () => {
  const plan = unfreezeFrom(resolveFreezePlan(layers, {}, 'conv3'), layers, 'conv2');
  assert.deepEqual([...plan.frozen], ['input', 'conv1', 'bn1']);
});

test('closestName only suggests plausible typos', () => {
  assert.equal(closestName('block_1_expnd', ['block_1_expand', 'block_2_expand']), 'block_1_expand');
  assert.equal(closestName('totally_else', ['conv1']), undefined);
});
