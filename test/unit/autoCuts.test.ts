// Which cuts the automatic flow compares (issue 29): the feature layer, then the last activation of each of
// the next spatial resolutions below it; paddings, BatchNorm and weighted layers never end a stage.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUTO_ENSEMBLE_MAX_SIDE, candidateCuts, ensemblePoolSize } from '../../src/shared/autoFlow';
import type { LayerInfo } from '../../src/shared/engineTypes';

const layer = (name: string, className: string, side: number | undefined, channels = 8): LayerInfo => ({
  index: 0,
  name,
  className,
  outputShape: side === undefined ? [null, channels] : [null, side, side, channels],
  trainableParams: className === 'Conv2D' ? 10 : 0,
  nonTrainableParams: 0,
  hasWeights: className === 'Conv2D' || className === 'BatchNormalization',
  isBatchNorm: className === 'BatchNormalization',
  block: '',
});

// The shape of MobileNetV2 around its stride-2 blocks.
const layers = [
  layer('input', 'InputLayer', 56),
  layer('block_3_expand_relu', 'ReLU', 56),
  layer('block_3_pad', 'ZeroPadding2D', 57),
  layer('block_3_depthwise', 'Conv2D', 28),
  layer('block_6_expand', 'Conv2D', 28),
  layer('block_6_expand_BN', 'BatchNormalization', 28),
  layer('block_6_expand_relu', 'ReLU', 28),
  layer('block_6_pad', 'ZeroPadding2D', 29),
  layer('block_6_depthwise', 'Conv2D', 14),
  layer('block_12_add', 'Add', 14),
  layer('block_13_expand', 'Conv2D', 14),
  layer('block_13_expand_relu', 'ReLU', 14),
  layer('block_13_pad', 'ZeroPadding2D', 15),
  layer('block_13_depthwise', 'Conv2D', 7),
  layer('Conv_1_bn', 'BatchNormalization', 7),
  layer('out_relu', 'ReLU', 7),
  layer('pool', 'GlobalAveragePooling2D', undefined),
];

test('the cuts are the feature layer and the last activation of each next resolution below it', () => {
  assert.deepEqual(candidateCuts(layers, 'out_relu'), ['out_relu', 'block_13_expand_relu', 'block_6_expand_relu']);
  assert.deepEqual(candidateCuts(layers, 'out_relu', 4), [
    'out_relu',
    'block_13_expand_relu',
    'block_6_expand_relu',
    'block_3_expand_relu',
  ]);
  assert.deepEqual(candidateCuts(layers, 'block_13_expand_relu', 2), ['block_13_expand_relu', 'block_6_expand_relu']);
});

test('a cut without a spatial output, or unknown, is compared with nothing', () => {
  assert.deepEqual(candidateCuts(layers, 'pool'), ['pool']);
  assert.deepEqual(candidateCuts(layers, 'missing'), ['missing']);
});

test("the ensemble's pixel branch pools the base's input down to about the data's own side, at most the cap", () => {
  assert.deepEqual(ensemblePoolSize([224, 224], [28, 28]), [8, 8], 'Fashion-MNIST: back to 28×28');
  assert.deepEqual(ensemblePoolSize([224, 224], [8, 8]), [28, 28], 'scikit-learn digits: back to 8×8');
  assert.deepEqual(ensemblePoolSize([224, 224], [64, 48]), [7, 7], `larger images: ${AUTO_ENSEMBLE_MAX_SIDE} a side`);
  assert.deepEqual(ensemblePoolSize([299, 299], [28, 28]), [10, 10], 'an uneven ratio rounds the pool down');
  assert.deepEqual(ensemblePoolSize([16, 16], [28, 28]), [1, 1], 'never below one');
});
