// Diagnostics over the real LSP protocol: dist/server.js in its own process, fixture recipes on the real
// fashion-small dataset (scripts/prepare-fixtures.ts) and the built-in MobileNetV2. Ranges are exact.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { fixture, ROOT } from '../helpers/fixtures';
import { lspSession, rangeOf, uriOf } from './lspClient';
import { BUILTIN_BASES } from '../../src/shared/builtinBases';
import { recipeProblems } from '../../src/shared/recipeChecks';

const RECIPES = path.join(ROOT, 'test/fixtures/recipes');
const session = lspSession('lsp-diagnostics');
const work = session.work;

async function openFixture(name: string): Promise<{ uri: string; text: string; diagnostics: Diagnostic[] }> {
  const file = path.join(RECIPES, name);
  const text = fs.readFileSync(file, 'utf8');
  const uri = uriOf(file);
  await session.client.open(uri, text);
  return { uri, text, diagnostics: await session.client.diagnosticsOf(uri, 1) };
}

const brief = (d: Diagnostic) => ({ range: d.range, message: d.message, severity: d.severity });

test('a misspelt layer, a layer past the cut, a number out of range and an input size the base cannot take', async () => {
  const { text, diagnostics } = await openFixture('misspelt.recipe.yaml');
  const byCode = (code: string) => diagnostics.filter((d) => d.code === code).map(brief);
  assert.deepEqual(byCode('unknown-layer'), [
    {
      range: { start: { line: 7, character: 6 }, end: { line: 7, character: 19 } },
      message:
        'MobileNetV2 (α=1.0, 224×224, ImageNet-initialized) has no layer "block_6_expnd"; did you mean "block_6_expand"? (frozen layer)',
      severity: 1,
    },
  ]);
  const cutMessage = (what: string) =>
    `${what} comes after the feature layer "block_16_project": the cut removes it, so this contradicts the feature layer.`;
  assert.deepEqual(byCode('after-cut'), [
    { range: rangeOf(text, 'Conv_1'), message: cutMessage('The layer "Conv_1"'), severity: 1 },
    { range: rangeOf(text, 'Conv_1_*'), message: cutMessage('Every layer matching "Conv_1_*"'), severity: 1 },
    { range: rangeOf(text, 'Conv_1_bn'), message: cutMessage('The second phase\'s layer "Conv_1_bn"'), severity: 1 },
  ]);
  assert.deepEqual(byCode('field'), [
    {
      range: rangeOf(text, '0', text.indexOf('epochs')),
      message: '"epochs" must be a whole number from 1 to 10000 (got 0).',
      severity: 1,
    },
  ]);
  assert.deepEqual(byCode('input-size'), [
    {
      range: rangeOf(text, '[160, 160]'),
      severity: 2,
      message:
        'MobileNetV2 (α=1.0, 224×224, ImageNet-initialized) takes 224×224 images; inputSize [160, 160] cannot apply, images are resized to 224×224. Remove inputSize (it is for mode "source").',
    },
  ]);
  // "up to block_5_add" and the glob block_1_* are fine, and so is the data folder: nothing else is reported.
  assert.equal(diagnostics.length, 6, JSON.stringify(diagnostics.map((d) => d.message)));
});

test('a clean recipe has no diagnostics', async () => {
  const { diagnostics } = await openFixture('clean.recipe.yaml');
  assert.deepEqual(diagnostics, []);
});

test('an unknown base and an unknown enum value get a did-you-mean on their values', async () => {
  const { text, diagnostics } = await openFixture('unknown-base.recipe.yaml');
  assert.deepEqual(diagnostics.map(brief), [
    {
      range: rangeOf(text, 'adamw'),
      message: '"optimizer" must be one of adam, sgd, rmsprop (got "adamw"); did you mean "adam"?',
      severity: 1,
    },
    {
      range: rangeOf(text, 'mobilenet_v3'),
      message: `Unknown base "mobilenet_v3"; did you mean "mobilenet_v2"? Use ${BUILTIN_BASES.join(', ')}, a model.json path or run folder (starting with ./ or ../), or an http(s) URL.`,
      severity: 1,
    },
  ]);
});

test('a missing data folder is reported on the path', async () => {
  const { text, diagnostics } = await openFixture('missing-data.recipe.yaml');
  assert.deepEqual(diagnostics.map(brief), [
    {
      range: rangeOf(text, '../generated/no-such-dataset'),
      message: `Data not found: ${fixture('no-such-dataset')}. Point "data" (relative to this recipe) to a folder with one subfolder per class, or to a .csv/.tsv/.jsonl table of texts.`,
      severity: 1,
    },
  ]);
});

test('YAML syntax errors come with their position, and the rest of the file is still checked', async () => {
  const uri = uriOf(path.join(work, 'broken.recipe.yaml'));
  const text = 'epochs: 5\nbatchSize: [1, 2\nvalidationSplit: 1.5\n';
  await session.client.open(uri, text);
  const diagnostics = await session.client.diagnosticsOf(uri, 1);
  assert.deepEqual(
    diagnostics.map((d) => [
      d.code,
      d.range.start.line,
      d.range.start.character,
      d.range.end.line,
      d.range.end.character,
    ]),
    [
      ['yaml', 2, 0, 2, 1], // where the unclosed list is noticed: the next key
      ['field', 1, 11, 2, 0],
      ['field', 2, 17, 2, 20],
    ],
  );
  assert.match(String(diagnostics[0].message), /Flow sequence .* must be sufficiently indented and end with a \]/);
  assert.equal(diagnostics[2].message, '"validationSplit" must be a number above 0 and below 1 (got 1.5).');
});

test('a source CNN below 4×4 is reported on inputSize with the message the engine refuses it with', async () => {
  const uri = uriOf(path.join(work, 'tiny.recipe.yaml'));
  const text = `mode: source\ndata: ${fixture('fashion-small')}\ninputSize: [2, 2]\n`;
  await session.client.open(uri, text);
  const diagnostics = await session.client.diagnosticsOf(uri, 1);
  assert.deepEqual(diagnostics.map(brief), [
    {
      range: rangeOf(text, '[2, 2]'),
      message: `${recipeProblems({ mode: 'source', inputSize: [2, 2] })[0].message}.`,
      severity: 1,
    },
  ]);
  assert.match(String(diagnostics[0].message), /^"inputSize" must be at least 4×4/);
});

test('class folders follow the disk: adding images to an empty class clears its diagnostic', async () => {
  const data = path.join(work, 'shop');
  const source = fixture('fashion-small');
  fs.mkdirSync(path.join(data, 'bag'), { recursive: true });
  fs.mkdirSync(path.join(data, 'sneaker'));
  fs.mkdirSync(path.join(data, 'trouser'));
  const copy = (cls: string, n: number) =>
    fs
      .readdirSync(path.join(source, cls))
      .filter((f) => f.endsWith('.png'))
      .slice(0, n)
      .map((f) => {
        fs.copyFileSync(path.join(source, cls, f), path.join(data, cls, f));
        return path.join(data, cls, f);
      });
  copy('trouser', 5);
  copy('sneaker', 1);
  const file = path.join(work, 'shop.recipe.yaml');
  const text = '# three classes, one empty, one thin\ndata: shop\nmode: source\n';
  fs.writeFileSync(file, text);
  const uri = uriOf(file);
  await session.client.open(uri, text);
  const first = await session.client.diagnosticsOf(uri, 1);
  assert.deepEqual(first.map(brief), [
    {
      range: rangeOf(text, 'shop', 10),
      message: 'Class folder "bag" is empty: it is left out of training.',
      severity: 2,
    },
    {
      range: rangeOf(text, 'shop', 10),
      message: 'Class folder "sneaker" has 1 image; the split needs at least 2 per class.',
      severity: 1,
    },
  ]);
  const added = copy('bag', 3);
  await session.client.filesChanged(added);
  const second = await session.client.diagnostics(uri, (p) => p.diagnostics.length !== 2);
  assert.deepEqual(
    second.map((d) => d.message),
    ['Class folder "sneaker" has 1 image; the split needs at least 2 per class.'],
  );
});

test("a base the trainer refuses gets the trainer's own message on the base; a path that does not exist is caught before", async () => {
  fs.mkdirSync(path.join(work, 'models', 'broken'), { recursive: true });
  fs.writeFileSync(path.join(work, 'models', 'broken', 'model.json'), '{"format": "layers-model"}');
  const uri = uriOf(path.join(work, 'broken-base.recipe.yaml'));
  const text = 'base: ./models/broken\nmode: transfer\n';
  await session.client.open(uri, text);
  const first = await session.client.diagnosticsOf(uri, 1);
  assert.deepEqual(
    first.map((d) => d.code),
    ['data', 'base'],
    'no data folder (a warning), and the base',
  );
  const refused = first[1];
  assert.deepEqual([refused.code, refused.range], ['base', rangeOf(text, './models/broken')]);
  const message = String(refused.message);
  assert.match(message, /models\/broken\/model\.json has no modelTopology: it is not a TensorFlow\.js LayersModel/);
  const version = await session.client.change(uri, 'base: ./models/nothing-here\n');
  const [, missing] = await session.client.diagnosticsOf(uri, version);
  assert.equal(missing.message, `Base model not found: ${path.join(work, 'models', 'nothing-here')}.`);
});
