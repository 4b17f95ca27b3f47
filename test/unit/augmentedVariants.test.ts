// Which epochs of an augmented fine-tune run the frozen bottom, and which replay a kept pass.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AUGMENTED_VARIANTS,
  bottomEpochs,
  parseAugmentedVariants,
  reusedPass,
} from '../../src/shared/augmentedVariants';

test('epochs 1..K compute their own pass; later epochs replay passes 1..K in turn', () => {
  const passes = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((e) => reusedPass(e, 3));
  assert.deepEqual(passes, [undefined, undefined, undefined, 1, 2, 3, 1, 2, 3]);
  assert.equal(bottomEpochs(9, 3), 3);
  assert.equal(bottomEpochs(2, 3), 2, 'a run shorter than K runs the bottom every epoch');
});

test('0 kept passes augments anew every epoch', () => {
  assert.deepEqual(
    [1, 5, 40].map((e) => reusedPass(e, 0)),
    [undefined, undefined, undefined],
  );
  assert.equal(bottomEpochs(9, 0), 9);
});

test('the override is an integer from 0 to the maximum; unset means the default', () => {
  assert.equal(parseAugmentedVariants(undefined), AUGMENTED_VARIANTS);
  assert.equal(parseAugmentedVariants(''), AUGMENTED_VARIANTS);
  assert.equal(parseAugmentedVariants('0'), 0);
  assert.equal(parseAugmentedVariants('5'), 5);
  for (const bad of ['-1', '2.5', 'many', '101'])
    assert.throws(() => parseAugmentedVariants(bad), new RegExp(`TRANSFER_STUDIO_AUGMENTED_VARIANTS=${bad}`));
});
