// ONNX sentence encoders as text bases in the editor: which folders count (the generated tiny encoder does,
// a folder with only its model.onnx does not), and the recipe's text.encoder read relative to the recipe,
// handed to the engine as the run's base, and written back relative.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { encoderAt, encoderProblemAt } from '../../src/io/encoderFolders';
import { loadRecipe } from '../../src/recipe/recipeFile';
import { recipeText } from '../../src/recipe/recipeText';
import { textTrainParams } from '../../src/shared/text/textRecipe';
import { encoderUrlProblem } from '../../src/shared/text/encoderMeta';
import { fixture, tempDir } from '../helpers/fixtures';

const work = tempDir('encoder-pick');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const tiny = fixture('text-encoders/tiny');

test('a sentence-transformers folder with its ONNX export is an encoder; a bare model.onnx is not', () => {
  const found = encoderAt(tiny);
  assert.equal(found?.folder, tiny);
  assert.equal(found?.modelBytes, fs.statSync(path.join(tiny, 'onnx', 'model.onnx')).size);
  const bare = path.join(work, 'bare');
  fs.mkdirSync(bare);
  fs.copyFileSync(path.join(tiny, 'onnx', 'model.onnx'), path.join(bare, 'model.onnx'));
  assert.equal(encoderAt(bare), undefined);
  assert.equal(encoderProblemAt(bare), 'no tokenizer.json, no sentence-transformers metadata (modules.json)');
  fs.copyFileSync(path.join(tiny, 'tokenizer.json'), path.join(bare, 'tokenizer.json'));
  fs.copyFileSync(path.join(tiny, 'modules.json'), path.join(bare, 'modules.json'));
  assert.equal(encoderAt(bare)?.folder, bare, 'model.onnx at the top counts as well as onnx/model.onnx');
  assert.equal(encoderProblemAt(path.join(work, 'gone')), 'no such folder');
});

test("the recipe's text.encoder is the run's base, read and written relative to the recipe", () => {
  fs.writeFileSync(path.join(work, 'speeches.csv'), 'text,label\nWe will,Democratic\nWe shall,Republican\n');
  const file = path.join(work, 'speeches.recipe.yaml');
  const relative = path.relative(work, tiny).split(path.sep).join('/');
  fs.writeFileSync(file, `data: speeches.csv\ntext:\n  encoder: ${relative}\n`);
  const recipe = loadRecipe(file);
  assert.equal(recipe.text?.encoder, tiny);
  assert.equal(textTrainParams(recipe).base, tiny);
  assert.match(recipeText(recipe, work), new RegExp(`\\n  encoder: ${relative.replace(/\./g, '\\.')}\\n`));
});

test("an encoder's URL: the pick's check names a bad one in one line; a recipe keeps a good one as written", () => {
  assert.equal(encoderUrlProblem('https://example.org/models/enc/'), undefined);
  assert.equal(encoderUrlProblem(' http://127.0.0.1:8080/enc '), undefined);
  assert.equal(
    encoderUrlProblem('ftp://example.org/enc/'),
    '"ftp://example.org/enc/" is not an http:// or https:// URL.',
  );
  assert.equal(encoderUrlProblem('models/enc'), '"models/enc" is not an http:// or https:// URL.');
  assert.equal(encoderUrlProblem('https://'), '"https://" is not a valid URL.');
  assert.equal(encoderUrlProblem('https://a b/'), '"https://a b/" has a space in it: encode it as %20.');
  const url = 'https://example.org/models/enc/';
  const file = path.join(work, 'url.recipe.yaml');
  fs.writeFileSync(path.join(work, 'speeches.csv'), 'text,label\nWe will,Democratic\nWe shall,Republican\n');
  fs.writeFileSync(file, `data: speeches.csv\ntext:\n  encoder: ${url}\n`);
  const recipe = loadRecipe(file);
  assert.equal(recipe.text?.encoder, url);
  assert.equal(textTrainParams(recipe).base, url);
  assert.match(recipeText(recipe, work), new RegExp(`\\n  encoder: ${url.replace(/\./g, '\\.')}\\n`));
});
