// A recipe on text data through the built CLI: `train --recipe` reads the table's columns and the text model
// from the recipe's text section and its split and seed, as Train on the recipe does in the editor; a flag
// still wins over the recipe, and an image-only flag is refused.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EXIT } from '../../src/cli/exitCodes';
import type { TextRunResult } from '../../src/shared/text/textProtocol';
import { cliEnv, cliSync, jsonLines } from '../helpers/cli';
import { fixture, tempDir } from '../helpers/fixtures';
import { csvQuote, partyRows } from '../helpers/textTables';

const work = tempDir('text-recipe-cli');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const ENV = cliEnv(work);
const cli = (args: string[]) => cliSync(work, args, ENV);
const result = (stdout: string) => jsonLines(stdout).find((l) => l.type === 'result')!.result as TextRunResult;
const CLASSES = ['Democratic-Republican', 'Republican'];
const RECIPE = [
  'data: data/speeches.csv',
  'text:',
  '  column: words',
  '  labelColumn: speaker party',
  '  model: lexical',
  'validationSplit: 0.25',
  'testSplit: auto',
  'seed: 7',
  'outputDir: runs',
  '',
].join('\n');

before(() => {
  // Columns named so that neither the engine's usual names nor the positions would find them.
  const rows = partyRows(CLASSES, 40, 5);
  fs.mkdirSync(path.join(work, 'data'));
  fs.writeFileSync(
    path.join(work, 'data', 'speeches.csv'),
    ['id,words,speaker party', ...rows.map((r, i) => `${i},${csvQuote(r.text)},${csvQuote(r.label)}`)].join('\n'),
  );
  fs.writeFileSync(path.join(work, 'speeches.recipe.yaml'), RECIPE);
});

test('train --recipe on a table trains the text model on the columns, split and seed the recipe names', () => {
  const r = cli(['train', '--recipe', 'speeches.recipe.yaml', '--json']);
  assert.equal(r.code, EXIT.ok, r.stderr);
  const run = result(r.stdout);
  assert.deepEqual(run.classes, CLASSES);
  assert.equal(run.kept, 'lexical');
  // 40 per class: a quarter for validation, auto's fifth for the test.
  assert.deepEqual(run.split, { train: 44, validation: 20, test: 16 });
  assert.equal(path.dirname(run.runDir), path.join(work, 'runs'));
  const record = JSON.parse(fs.readFileSync(path.join(run.runDir, 'text-run.json'), 'utf8'));
  assert.deepEqual(record.columns, { text: 'words', label: 'speaker party' });
});

test('a flag wins over the recipe; an image-only flag is refused with the reason', () => {
  const r = cli(['train', '--recipe', 'speeches.recipe.yaml', '--text-model', 'glove', '--out', 'other', '--json']);
  assert.equal(r.code, EXIT.ok, r.stderr);
  const run = result(r.stdout);
  assert.equal(run.kept, 'glove');
  assert.equal(path.dirname(run.runDir), path.join(work, 'other'));
  const refused = cli(['train', '--recipe', 'speeches.recipe.yaml', '--epochs', '3']);
  assert.notEqual(refused.code, EXIT.ok);
  assert.match(refused.stderr, /--epochs does not apply to text data/);
});

test("the recipe's text.encoder is the run's base: a head on the encoder's vectors, its layers recorded", () => {
  const encoder = path.relative(work, fixture('text-encoders/tiny'));
  fs.writeFileSync(path.join(work, 'encoder.recipe.yaml'), RECIPE.replace('  model: lexical', `  encoder: ${encoder}`));
  const r = cli(['train', '--recipe', 'encoder.recipe.yaml', '--out', 'encoded', '--json']);
  assert.equal(r.code, EXIT.ok, r.stderr);
  const run = result(r.stdout);
  assert.equal(run.kept, 'encoder');
  assert.equal(run.layers?.encoder?.folder, fixture('text-encoders/tiny'));
  assert.ok(run.layers!.encoder!.dims > 0);
});

test("the recipe's text.pooling and text.vocabularySize reach the run: its layers, predict and layers say so", () => {
  const recipe = (name: string, lines: string[]) => {
    fs.writeFileSync(path.join(work, name), RECIPE.replace('  model: lexical', lines.join('\n')));
    const r = cli(['train', '--recipe', name, '--out', name.replace('.recipe.yaml', ''), '--json']);
    assert.equal(r.code, EXIT.ok, r.stderr);
    return result(r.stdout);
  };
  const mean = recipe('mean.recipe.yaml', ['  model: glove', '  pooling: mean']);
  // The SIF mean alone: one GloVe width of columns, not the mean and the max side by side.
  assert.equal(mean.layers?.pooling, 'mean');
  assert.equal(mean.layers?.gloveColumns, mean.layers?.vectors.dims);
  const both = recipe('both.recipe.yaml', ['  model: glove']);
  assert.equal(both.layers?.pooling, undefined);
  assert.equal(both.layers?.gloveColumns, 2 * both.layers!.vectors.dims);
  const layers = cli(['layers', mean.runDir]);
  assert.equal(layers.code, EXIT.ok, layers.stderr);
  assert.match(layers.stdout, /SIF-weighted mean \(common direction removed\) → 100/);
  const predicted = cli(['predict', mean.runDir, '--text', 'We will cut taxes and build roads.', '--json']);
  assert.equal(predicted.code, EXIT.ok, predicted.stderr);
  const [prediction] = jsonLines(predicted.stdout).filter((l) => l.type === 'prediction');
  assert.ok(CLASSES.includes(String(prediction.label)), JSON.stringify(prediction));

  const capped = recipe('capped.recipe.yaml', ['  model: tuned', '  vocabularySize: 50']);
  const full = recipe('full.recipe.yaml', ['  model: tuned']);
  assert.equal(capped.layers?.tunedWords, 50);
  assert.ok(full.layers!.tunedWords! > 50, `the split has ${full.layers?.tunedWords} words`);
});

test('a text option out of its range is refused by name before training', () => {
  fs.writeFileSync(
    path.join(work, 'wide.recipe.yaml'),
    RECIPE.replace('  model: lexical', '  model: tuned\n  vocabularySize: 1000000'),
  );
  const r = cli(['train', '--recipe', 'wide.recipe.yaml', '--out', 'wide']);
  assert.notEqual(r.code, EXIT.ok);
  assert.match(r.stderr, /vocabularySize/);
  assert.equal(fs.existsSync(path.join(work, 'wide')), false);
});
