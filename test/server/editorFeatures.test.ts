// Completion, hover, quick fixes and lenses over the real LSP protocol, on the fixture recipes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { MarkupContent, TextEdit } from 'vscode-languageserver-protocol';
import { ROOT } from '../helpers/fixtures';
import { lspSession, rangeOf, uriOf } from './lspClient';
import { BUILTIN_BASES } from '../../src/shared/builtinBases';

const RECIPES = path.join(ROOT, 'test/fixtures/recipes');
const session = lspSession('lsp-features');

async function openCopy(name: string, text: string): Promise<string> {
  // Beside the fixtures, so "data: ../generated/fashion-small" resolves as in the committed recipes.
  const uri = uriOf(path.join(RECIPES, name));
  await session.client.open(uri, text);
  await session.client.diagnosticsOf(uri, 1);
  return uri;
}

test('completion offers the layer names of mobilenet_v2 in model order, with their class and shape', async () => {
  const text = 'data: ../generated/fashion-small\nbase: mobilenet_v2\nfreeze:\n  featureLayer: block_1\n';
  const uri = await openCopy('complete-layer.recipe.yaml', text);
  const items = await session.client.completion(uri, { line: 3, character: 23 });
  const labels = items.map((i) => i.label);
  assert.equal(labels.length, 162);
  assert.deepEqual(labels.slice(0, 4), ['input_1', 'Conv1_pad', 'Conv1', 'bn_Conv1']);
  for (const name of ['block_1_expand', 'block_16_project', 'out_relu']) assert.ok(labels.includes(name), name);
  const expand = items.find((i) => i.label === 'block_1_expand')!;
  assert.equal(expand.detail, 'Conv2D [null,112,112,96]');
  assert.deepEqual((expand.textEdit as TextEdit).range, {
    start: { line: 3, character: 16 },
    end: { line: 3, character: 23 },
  });
});

test('completion in a frozen list keeps "up to" and inserts the layer after it', async () => {
  const text = 'data: ../generated/fashion-small\nfreeze:\n  frozen:\n    - up to block_4\n';
  const uri = await openCopy('complete-upto.recipe.yaml', text);
  const items = await session.client.completion(uri, { line: 3, character: 19 });
  const item = items.find((i) => i.label === 'block_4_add')!;
  assert.deepEqual(item.textEdit, {
    range: { start: { line: 3, character: 6 }, end: { line: 3, character: 19 } },
    newText: 'up to block_4_add',
  });
});

test('completion offers the missing keys of a section, enum values, built-in bases and data folders', async () => {
  const text = 'data: ../generated/fashion-small\nhead:\n  pooling: \n  \nbase: \noptimizer: \n';
  const uri = await openCopy('complete-keys.recipe.yaml', text);
  const headKeys = (await session.client.completion(uri, { line: 3, character: 2 })).map((i) => i.label);
  assert.deepEqual(headKeys, ['dense', 'dropout']);
  assert.deepEqual(
    (await session.client.completion(uri, { line: 2, character: 11 })).map((i) => i.label),
    ['avg', 'max', 'flatten'],
  );
  assert.deepEqual(
    (await session.client.completion(uri, { line: 4, character: 6 })).map((i) => i.label),
    [...BUILTIN_BASES],
  );
  assert.deepEqual(
    (await session.client.completion(uri, { line: 5, character: 11 })).map((i) => i.label),
    ['adam', 'sgd', 'rmsprop'],
  );
  const folders = await session.client.completion(uri, { line: 0, character: 19 });
  // Every fixture folder the fixture script wrote, whatever others add there later.
  const written = fs
    .readdirSync(path.join(ROOT, 'test/fixtures/generated'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `../generated/${e.name}`);
  assert.deepEqual(folders.map((i) => i.label).sort(), written.sort());
  assert.ok(written.includes('../generated/fashion-small'));
  assert.deepEqual((folders[0].textEdit as TextEdit).range, {
    start: { line: 0, character: 6 },
    end: { line: 0, character: 19 },
  });
  const topKeys = (await session.client.completion(uri, { line: 6, character: 0 })).map((i) => i.label);
  assert.ok(topKeys.includes('epochs') && topKeys.includes('secondPhase'));
  assert.ok(!topKeys.includes('data') && !topKeys.includes('head'), 'keys already present are not offered');
});

test('hover on a layer shows its class, output shape, parameters and what the recipe does to it', async () => {
  const text = fs.readFileSync(path.join(RECIPES, 'misspelt.recipe.yaml'), 'utf8');
  const uri = await openCopy('hover.recipe.yaml', text);
  const at = (needle: string) => rangeOf(text, needle).start;
  const feature = (await session.client.hover(uri, at('block_16_project')))!;
  assert.equal(
    (feature.contents as MarkupContent).value,
    [
      '**block_16_project** (Conv2D, layer 150)',
      '',
      '| | |',
      '|---|---|',
      '| output shape | `[null,7,7,320]` |',
      '| parameters | 307,200 trainable, 0 fixed |',
      '| in this recipe | trains |',
    ].join('\n'),
  );
  assert.deepEqual(feature.range, rangeOf(text, 'block_16_project'));
  const upTo = (await session.client.hover(uri, at('up to block_5_add')))!;
  assert.match(
    (upTo.contents as MarkupContent).value,
    /^\*\*block_5_add\*\* \(Add, layer 54\)[^]*\| in this recipe \| no weights \(nothing to train\) \|\n\nFreezes the 55 layers from `input_1` to `block_5_add` \(36 with weights\)\.$/,
  );
  const bn = (await session.client.hover(uri, at('block_1_*')))!;
  assert.match(
    (bn.contents as MarkupContent).value,
    /^`block_1_\*` matches 9 layers of MobileNetV2 .*, 9 within the cut: `block_1_expand`, `block_1_expand_BN`, /,
  );
  const dropped = (await session.client.hover(uri, at('Conv_1')))!;
  assert.match(
    (dropped.contents as MarkupContent).value,
    /\| in this recipe \| dropped \(after the feature layer block_16_project\) \|/,
  );
});

test('hover on the data folder lists its classes and image counts', async () => {
  const text = fs.readFileSync(path.join(RECIPES, 'clean.recipe.yaml'), 'utf8');
  const uri = await openCopy('hover-data.recipe.yaml', text);
  const hover = (await session.client.hover(uri, rangeOf(text, 'fashion-small').start))!;
  assert.equal(
    (hover.contents as MarkupContent).value,
    [
      `**3 classes, 90 images** in \`${path.join(ROOT, 'test/fixtures/generated/fashion-small')}\``,
      '',
      '| class | images |',
      '|---|---:|',
      '| bag | 30 |',
      '| sneaker | 30 |',
      '| trouser | 30 |',
    ].join('\n'),
  );
});

test('hover on the base names it and its input; hover on a field name explains the field and its range', async () => {
  const text = fs.readFileSync(path.join(RECIPES, 'clean.recipe.yaml'), 'utf8');
  const uri = await openCopy('hover-base.recipe.yaml', text);
  const base = (await session.client.hover(uri, rangeOf(text, 'mobilenet_v2').start))!;
  assert.match(
    (base.contents as MarkupContent).value,
    /^\*\*MobileNetV2 .*\*\*\n\n162 layers, [\d,]+ parameters; input 224×224×3; feature layer `out_relu`\./,
  );
  const epochs = (await session.client.hover(uri, rangeOf(text, 'epochs').start))!;
  assert.equal(
    (epochs.contents as MarkupContent).value,
    '**epochs**: Epochs of the first phase; auto (default): until validation loss stops improving.\n\na whole number from 1 to 10000, or auto',
  );
});

test('quick fixes also correct a misspelt field, enum value or base', async () => {
  const text = 'data: ../generated/fashion-small\nbase: mobilenet_v3\noptimizer: rmsprp\nepohcs: 3\n';
  const uri = await openCopy('fix-more.recipe.yaml', text);
  const diagnostics = await session.client.diagnosticsOf(uri, 1);
  const fixes = (await session.client.codeActions(uri, diagnostics)).map((a) => [
    a.title,
    a.edit!.changes![uri][0].range,
  ]);
  assert.deepEqual(fixes.sort(), [
    ['Change to "epochs"', rangeOf(text, 'epohcs')],
    ['Change to "mobilenet_v2"', rangeOf(text, 'mobilenet_v3')],
    ['Change to "rmsprop"', rangeOf(text, 'rmsprp')],
  ]);
});

test('the quick fix replaces a misspelt layer with the suggested one, and the fixed text is clean of it', async () => {
  const text = fs.readFileSync(path.join(RECIPES, 'misspelt.recipe.yaml'), 'utf8');
  const uri = await openCopy('fix.recipe.yaml', text);
  const diagnostics = (await session.client.diagnosticsOf(uri, 1)).filter((d) => d.code === 'unknown-layer');
  const actions = await session.client.codeActions(uri, diagnostics);
  assert.equal(actions.length, 1);
  assert.equal(actions[0].title, 'Change to "block_6_expand"');
  assert.equal(actions[0].kind, 'quickfix');
  const edits = actions[0].edit!.changes![uri];
  assert.deepEqual(edits, [{ range: rangeOf(text, 'block_6_expnd'), newText: 'block_6_expand' }]);
  const version = await session.client.change(uri, text.replace('block_6_expnd', 'block_6_expand'));
  const after = await session.client.diagnosticsOf(uri, version);
  assert.ok(!after.some((d) => d.code === 'unknown-layer'));
});

test("four lenses at the top run the host's train, Compare Bases and Ray commands with the recipe URI", async () => {
  const uri = await openCopy('lens.recipe.yaml', 'data: ../generated/fashion-small\n');
  const lenses = await session.client.codeLenses(uri);
  assert.deepEqual(
    lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]),
    [
      [0, 'Train', 'transferStudio.trainRecipe', [uri]],
      [0, 'Compare with scratch', 'transferStudio.trainRecipeCompare', [uri]],
      [0, 'Compare Bases', 'transferStudio.compareBases', [uri]],
      [0, 'Run on Ray Cluster…', 'transferStudio.trainRecipeOnRay', [uri]],
    ],
  );
});
