// The metadata of a user's sentence encoder in both formats sentence-transformers writes (the classic flags of
// models on the hub today, and version 6's named modes), and pooling by hand-computed examples.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_ENCODER_MAX_LENGTH, encoderMeta } from '../../src/shared/text/encoderMeta';
import { poolTokens } from '../../src/trainer/text/encoderPooling';

const CLASSIC_MODULES = [
  { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
  { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
  { idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' },
];

test('classic metadata (all-MiniLM-L6-v2 style): mean pooling, normalised, max_seq_length', () => {
  const meta = encoderMeta({
    modules: CLASSIC_MODULES,
    pooling: { word_embedding_dimension: 384, pooling_mode_cls_token: false, pooling_mode_mean_tokens: true },
    sentenceBert: { max_seq_length: 256, do_lower_case: false },
    tokenizerConfig: { model_max_length: 512 },
  });
  assert.deepEqual(meta, { poolings: ['mean'], normalize: true, maxLength: 256 });
});

test('version 6 metadata: named modes, the length from the tokenizer config, no Normalize', () => {
  const meta = encoderMeta({
    modules: CLASSIC_MODULES.slice(0, 2),
    pooling: { embedding_dimension: 32, pooling_mode: ['cls', 'max'] },
    sentenceBert: { transformer_task: 'feature-extraction' },
    tokenizerConfig: { model_max_length: 64 },
  });
  assert.deepEqual(meta, { poolings: ['cls', 'max'], normalize: false, maxLength: 64 });
  // A tokenizer that says "no limit" (1e30) leaves BERT's position table as the bound.
  assert.equal(encoderMeta({ tokenizerConfig: { model_max_length: 1e30 } }).maxLength, DEFAULT_ENCODER_MAX_LENGTH);
});

test('what we cannot compute is refused by name', () => {
  assert.throws(() => encoderMeta({ pooling: { pooling_mode_weightedmean_tokens: true } }), /weightedmean/);
  assert.throws(() => encoderMeta({ pooling: { pooling_mode: 'attention' } }), /attention/);
  const dense = [...CLASSIC_MODULES, { type: 'sentence_transformers.models.Dense', path: '3_Dense' }];
  assert.throws(() => encoderMeta({ modules: dense }), /models\.Dense/);
});

test('pooling: padding is ignored, several modes concatenate, normalisation gives unit length', () => {
  // Two texts of up to three tokens, two wide; the second has one padding token.
  const embeddings = Float32Array.from([1, 2, 3, 4, 5, 6, 10, 0, 0, 10, 99, 99]);
  const batch = { embeddings, mask: [1, 1, 1, 1, 1, 0], count: 2, length: 3, width: 2 };
  const [a, b] = poolTokens(batch, { poolings: ['mean', 'max', 'cls'], normalize: false, maxLength: 3 });
  assert.deepEqual([...a], [3, 4, 5, 6, 1, 2]);
  assert.deepEqual([...b], [5, 5, 10, 10, 10, 0]);
  const [unit] = poolTokens(batch, { poolings: ['mean'], normalize: true, maxLength: 3 });
  assert.ok(Math.abs(Math.hypot(...unit) - 1) < 1e-6);
  const [last] = poolTokens({ ...batch, count: 2 }, { poolings: ['lasttoken'], normalize: false, maxLength: 3 });
  assert.deepEqual([...last], [5, 6]);
});
