// The feature cache's folder names: an image key must name the folder it named before the data-kind seam
// (version 0.2.0 and every version since), or every user's cache goes cold; another kind adds its own parts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageInput, type TextInput } from '../../src/shared/inputSpec';
import { cacheFolder } from '../../src/trainer/train/featureCache';

const cut = { baseKey: 'b1f4c2', layer: 'out_relu', pooling: 'avg' };

test('an image cut names the cache folder it always named', () => {
  // The ids 0.2.0's cacheFolder gave these keys (with `preprocessing` in place of the image input).
  const rgb = imageInput({ size: [224, 224], channels: 3, scale: 'unit' });
  assert.equal(cacheFolder('/c', { ...cut, input: rgb }), '/c/features/cfc71f6fd7750784');
  const gray = imageInput({ size: [96, 128], channels: 1, scale: 'symmetric' });
  const second = { baseKey: 'b1f4c2', layer: 'block_16_expand', pooling: 'none', input: gray };
  assert.equal(cacheFolder('/c', second), '/c/features/52c1ddaf164c6825');
});

test('a text cut is keyed by its tokenizer, length and fitted state', () => {
  const text: TextInput = {
    kind: 'text',
    maxLength: 64,
    tokenizer: { type: 'words', vocabulary: 'corpus', vocabularyKey: 'v1', padId: 0, unknownId: 1 },
  };
  const folder = (input: TextInput) => cacheFolder('/c', { ...cut, input });
  const differ = [
    { ...text, maxLength: 65 },
    { ...text, tokenizer: { ...text.tokenizer, vocabularyKey: 'v2' } },
    {
      ...text,
      lexical: { ngrams: [1, 2] as [number, number], maxTerms: 100, fitted: { file: 'f', key: 'k', terms: 9 } },
    },
  ];
  for (const other of differ) assert.notEqual(folder(other), folder(text));
  assert.equal(folder({ ...text }), folder(text));
});
