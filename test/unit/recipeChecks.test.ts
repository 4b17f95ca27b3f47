// The value checks derived from the recipe field table: one function for the recipe reader (and so the
// editor), the CLI and the engine. The engine used to check a hand-picked list of fields, and a source
// CNN on 2×2 images passed it, only to fail deep inside training with an out-of-memory message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseRecipe } from '../../src/recipe/recipeSyntax';
import type { TrainRecipe } from '../../src/shared/engineTypes';
import { RAY_MAX_WORKERS } from '../../src/shared/rayProtocol';
import { recipeProblems } from '../../src/shared/recipeChecks';
import { defaultRecipe } from '../../src/shared/recipeDefaults';
import { checkRunRecipe } from '../../src/trainer/train/runFileChecks';

const recipe = (patch: object): TrainRecipe => ({ ...defaultRecipe('/data'), ...patch }) as TrainRecipe;
const paths = (r: TrainRecipe) => recipeProblems(r).map((p) => p.path.join('.'));

test('a source CNN on inputs below 4×4 is refused, naming inputSize; 4×4 and transfer mode pass', () => {
  const [tiny, ...rest] = recipeProblems(recipe({ mode: 'source', inputSize: [2, 2] }));
  assert.deepEqual(rest, []);
  assert.deepEqual(tiny.path, ['inputSize']);
  assert.match(tiny.message, /^"inputSize" must be at least 4×4 in mode source: .* \(got 2×2\)$/);
  assert.deepEqual(paths(recipe({ mode: 'source', inputSize: [3, 64] })), ['inputSize']);
  assert.deepEqual(paths(recipe({ mode: 'source', inputSize: [4, 4] })), []);
  // With a base the size is the base's (the editor warns that inputSize cannot apply).
  assert.deepEqual(paths(recipe({ mode: 'transfer', inputSize: [2, 2] })), []);
});

test('every field of the table is checked, nested sections included, each problem naming its field', () => {
  const bad = recipe({
    seed: 1.5,
    maxPerClass: -1,
    inputChannels: 2,
    inputSize: [28, 0],
    augmentation: { flip: 'yes', rotation: 200, crop: 0, brightness: 0 },
    head: { pooling: 'flaten', dense: 0, dropout: 0 },
    secondPhase: { epochs: 2, learningRate: 0.001 },
    ray: { address: 'local', workers: 0 },
    freeze: { frozen: 'Conv1' },
    epoch: 3,
  });
  assert.deepEqual(paths(bad).sort(), [
    'augmentation.flip',
    'augmentation.rotation',
    'epoch',
    'freeze.frozen',
    'head.pooling',
    'inputChannels',
    'inputSize.1',
    'maxPerClass',
    'ray.workers',
    'secondPhase',
    'seed',
  ]);
  const byPath = new Map(recipeProblems(bad).map((p) => [p.path.join('.'), p]));
  assert.equal(byPath.get('head.pooling')?.suggestion, 'flatten');
  assert.equal(byPath.get('epoch')?.suggestion, 'epochs');
  assert.equal(
    byPath.get('ray.workers')?.message,
    `"ray.workers" must be a whole number from 1 to ${RAY_MAX_WORKERS} (got 0)`,
  );
  assert.equal(byPath.get('secondPhase')?.message, '"secondPhase.unfreezeFrom" is required here');
  assert.equal(byPath.get('freeze.frozen')?.kind, 'type');
  // The words a field takes in place of its value are values too.
  assert.deepEqual(paths(recipe({ epochs: 'auto', secondPhase: 'off' as never, testSplit: 'auto' })), []);
  assert.deepEqual(paths(recipe({ epochs: 'soon' })), ['epochs']);
});

test('a run folder recipe.json goes through the same checks', () => {
  const saved = JSON.parse(JSON.stringify(recipe({ mode: 'source', inputSize: [2, 2] })));
  assert.throws(
    () => checkRunRecipe(saved, 'recipe.json'),
    /^EngineError: recipe\.json is damaged: "inputSize" must be at least 4×4/,
  );
});

test('the recipe reader (and so the editor) reports what the engine reports, on the value it is about', () => {
  const text =
    'mode: source\ninputSize: [2, 2]\naugmentation:\n  rotation: 200\ntestSplit: 0.5\nvalidationSplit: 0.5\n';
  const parsed = parseRecipe(text);
  const engine = recipeProblems(parse(text)).map((p) => `${p.message}.`);
  assert.deepEqual(
    parsed.problems.map((p) => p.message),
    engine,
  );
  assert.equal(engine.length, 3);
  const spans = parsed.problems.map((p) => text.slice(p.start, p.end));
  assert.deepEqual(spans, ['200', '0.5', '[2, 2]']);
});
