// The pure recipe functions the host calls: edits from the panel keep the user's comments and layout,
// "Save as Recipe" writes a file that reads back as the same recipe, and the reader reports exact places.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { compactFrozen, recipeEdits } from '../../src/recipe/recipeEdits';
import { completeRecipe, loadRecipe, readRecipeFile, resolveRecipePaths } from '../../src/recipe/recipeFile';
import { parseRecipe } from '../../src/recipe/recipeSyntax';
import { recipeText } from '../../src/recipe/recipeText';
import type { LayerInfo } from '../../src/shared/engineTypes';
import { defaultRecipe } from '../../src/shared/recipeDefaults';
import { resolveFreezePlan } from '../../src/shared/freezePlan';

const USER_RECIPE = `# Flowers, tried on Tuesday
data: ../flowers   # the photos from the shop

base: mobilenet_v2
freeze:
  featureLayer: out_relu  # the cut
  # nothing below block 5 moves
  freezeUpTo: block_5_add
epochs: 10 # enough for the head
learningRate: 0.001
batchSize: 16
`;

test('panel edits replace values in place and keep every comment, blank line and spacing', () => {
  const out = recipeEdits(USER_RECIPE, {
    epochs: 25,
    learningRate: 0.0005,
    batchSize: 32,
    validationSplit: 0.25,
    compareScratch: true,
  });
  assert.equal(
    out,
    USER_RECIPE.replace('epochs: 10 #', 'epochs: 25 #')
      .replace('learningRate: 0.001', 'learningRate: 0.0005')
      .replace('batchSize: 16', 'batchSize: 32') + 'validationSplit: 0.25\ncompareScratch: true\n',
  );
});

test('a new frozen set replaces freezeUpTo inside freeze, at its indentation, and the cut moves in place', () => {
  const out = recipeEdits(USER_RECIPE, { featureLayer: 'block_16_project', frozen: ['Conv1', 'bn_Conv1'] });
  assert.equal(
    out,
    USER_RECIPE.replace('featureLayer: out_relu  # the cut', 'featureLayer: block_16_project  # the cut').replace(
      '  freezeUpTo: block_5_add\n',
      '  frozen:\n    - Conv1\n    - bn_Conv1\n',
    ),
  );
  assert.deepEqual(parseRecipe(out).value.freeze, { featureLayer: 'block_16_project', frozen: ['Conv1', 'bn_Conv1'] });
});

test('an inline frozen list stays inline; the same list changes nothing', () => {
  const text = 'freeze: # which layers stay fixed\n  frozen: [Conv1, bn_Conv1] # stem\nepochs: 3\n';
  assert.equal(recipeEdits(text, { frozen: ['Conv1', 'bn_Conv1'] }), text);
  assert.equal(
    recipeEdits(text, { frozen: ['Conv1'] }),
    'freeze: # which layers stay fixed\n  frozen: [ Conv1 ]\nepochs: 3\n',
  );
});

test('augmentation and second phase switch on and off as whole sections; other lines stay', () => {
  const on = recipeEdits(USER_RECIPE, {
    augmentation: true,
    secondPhase: { unfreezeFrom: 'block_15_add', epochs: 3, learningRate: 0.0001 },
  });
  assert.ok(on.startsWith(USER_RECIPE), 'new sections go after the existing fields');
  const r = parseRecipe(on);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.value.augmentation, { flip: true, rotation: 10, crop: 0.1, brightness: 0.1 });
  assert.deepEqual(r.value.secondPhase, { unfreezeFrom: 'block_15_add', epochs: 3, learningRate: 0.0001 });
  assert.equal(recipeEdits(on, { augmentation: true }), on, "an existing augmentation section is the user's and stays");
  const changed = recipeEdits(on, { secondPhase: { unfreezeFrom: 'block_14_add', epochs: 3, learningRate: 0.0001 } });
  assert.equal(changed, on.replace('unfreezeFrom: block_15_add', 'unfreezeFrom: block_14_add'));
  assert.equal(recipeEdits(on, { augmentation: false, secondPhase: false }), USER_RECIPE);
});

test('a recipe with YAML errors is not edited (the edit would guess)', () => {
  assert.throws(() => recipeEdits('epochs: [1,\n', { epochs: 3 }), /YAML errors/);
});

test('"Save as Recipe" writes a commented file, paths relative to it, that reads back as the same recipe', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-recipe-text-'));
  const recipe = {
    ...defaultRecipe(path.join(dir, 'data', 'flowers')),
    outputDir: path.join(dir, 'runs'),
    name: 'flowers',
    optimizer: 'sgd' as const,
    base: path.join(dir, 'models', 'mine', 'model.json'),
    freeze: { featureLayer: 'out_relu', frozen: ['Conv1', 'up to block_3_add', 'block_4_*'] },
    augmentation: { flip: true, rotation: 5, crop: 0, brightness: 0.2 },
    secondPhase: { unfreezeFrom: 'block_16_expand', epochs: 2, learningRate: 1e-5 },
    ray: { address: '127.0.0.1:6379', workers: 2, gpusPerWorker: 0 },
  };
  const file = path.join(dir, 'recipes', 'flowers.recipe.yaml');
  fs.mkdirSync(path.dirname(file));
  const text = recipeText(recipe, path.dirname(file));
  assert.match(text, /^# Transfer Studio recipe/);
  assert.match(text, /^data: \.\.\/data\/flowers$/m);
  assert.match(text, /^base: \.\.\/models\/mine\/model\.json$/m);
  assert.match(text, /^ {2}# The layer the new head sits on/m);
  fs.writeFileSync(file, text);
  assert.deepEqual(readRecipeFile(file), recipe);
  assert.deepEqual(loadRecipe(file), recipe);
  assert.deepEqual(resolveRecipePaths(parseRecipe(text).value, path.dirname(file)), recipe);
});

test('the reader names file, line and column of each problem; nested sections keep their defaults', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-recipe-read-'));
  const file = path.join(dir, 'bad.recipe.yaml');
  fs.writeFileSync(file, 'data: d\nhead:\n  pooling: flaten\nepohcs: 3\n');
  assert.throws(
    () => readRecipeFile(file),
    (e: Error) => {
      assert.match(
        e.message,
        new RegExp(
          `${file.replace(/[.]/g, '\\.')}:3:12: "head.pooling" must be one of avg, max, flatten \\(got "flaten"\\); did you mean "flatten"\\?`,
        ),
      );
      assert.match(e.message, /:4:1: Unknown field "epohcs"; did you mean "epochs"\?/);
      return true;
    },
  );
  const r = completeRecipe(
    { head: { pooling: 'max' }, secondPhase: { unfreezeFrom: 'x' } as never, learningRate: 0.01 },
    '/d',
  );
  assert.deepEqual(r.head, { pooling: 'max', dense: 0, dropout: 0.2 });
  assert.deepEqual(r.secondPhase, { unfreezeFrom: 'x', epochs: 5, learningRate: 0.001 });
});

test('the reader refuses oversized text and alias bombs with one problem each, before expanding anything', () => {
  const big = parseRecipe(`# ${'x'.repeat(1024 * 1024)}\nepochs: 3\n`);
  assert.deepEqual(
    big.problems.map((p) => p.message),
    ['The recipe is larger than 1 MiB; a recipe is a short YAML or JSON file.'],
  );
  assert.deepEqual(big.value, {});
  const bomb = parseRecipe(
    'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
  );
  assert.equal(bomb.problems.length, 1);
  assert.match(bomb.problems[0].message, /^The recipe cannot be read: Excessive alias count/);
  const aliased = parseRecipe('defaults: &lr 0.01\n');
  assert.match(aliased.problems[0].message, /Unknown field "defaults"/);
  const ok = parseRecipe('learningRate: &lr 0.01\nsecondPhase: { unfreezeFrom: block_16_expand, learningRate: *lr }\n');
  assert.deepEqual(ok.problems, []);
  assert.equal(
    typeof ok.value.secondPhase === 'object' && ok.value.secondPhase.learningRate,
    0.01,
    'a few aliases are fine',
  );
});

test("with the base's layers, a frozen set the recipe already means stays as written, and a new one is written compactly", () => {
  const layer = (name: string, index: number, hasWeights: boolean): LayerInfo => ({
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
  const layers = ['input', 'conv1', 'bn1', 'relu1', 'conv2', 'bn2', 'conv3', 'out'].map((n, i) =>
    layer(n, i, !['input', 'relu1'].includes(n)),
  );
  const context = { layers, defaultFeatureLayer: 'out' };
  const text = 'freeze:\n  # every convolution, by pattern\n  frozen: [conv*]\n';
  assert.equal(recipeEdits(text, { frozen: ['conv1', 'conv2', 'conv3'] }, context), text);
  const out = recipeEdits(text, { frozen: ['conv1', 'bn1', 'conv2', 'conv3'] }, context);
  assert.equal(out, 'freeze:\n  # every convolution, by pattern\n  frozen: [ up to conv2, conv3 ]\n');
  const plan = resolveFreezePlan(layers, parseRecipe(out).value.freeze!, 'out');
  assert.deepEqual([...plan.frozen].filter((n) => layers.find((l) => l.name === n)!.hasWeights).sort(), [
    'bn1',
    'conv1',
    'conv2',
    'conv3',
  ]);
  assert.deepEqual(compactFrozen(layers, ['conv1', 'bn1']), ['conv1', 'bn1'], 'short runs stay explicit');
});

test('edits keep CRLF line endings, create missing sections, and refuse a section that is not a mapping', () => {
  assert.equal(
    recipeEdits('epochs: 3\r\n', { featureLayer: 'out_relu', augmentation: true }),
    'epochs: 3\r\nfreeze:\r\n  featureLayer: out_relu\r\naugmentation:\r\n  flip: true\r\n  rotation: 10\r\n  crop: 0.1\r\n  brightness: 0.1\r\n',
  );
  assert.equal(recipeEdits('', { epochs: 4 }), 'epochs: 4\n');
  assert.equal(recipeEdits('data: x', { batchSize: 8 }), 'data: x\nbatchSize: 8\n');
  assert.throws(() => recipeEdits('freeze:\n- a\n', { frozen: ['a'] }), /"freeze" is not a section/);
});

test("the column pick's columns go into the text section: created when missing, replaced in place", () => {
  const bare = 'data: speeches.csv # the table\n';
  assert.equal(
    recipeEdits(bare, { textColumn: 'words', labelColumn: 'speaker party' }),
    `${bare}text:\n  column: words\n  labelColumn: speaker party\n`,
  );
  const named = 'data: speeches.csv\ntext:\n  column: body # the words\n  model: lexical\n';
  assert.equal(
    recipeEdits(named, { textColumn: 'words', labelColumn: 'party' }),
    'data: speeches.csv\ntext:\n  column: words # the words\n  model: lexical\n  labelColumn: party\n',
  );
  assert.equal(recipeEdits(named, { textColumn: 'body' }), named);
});
