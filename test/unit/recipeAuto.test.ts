// The words of the automatic flow in recipe files: auto for epochs, testSplit and secondPhase, off for
// secondPhase; a number or an explicit phase switches the automatic part off.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { recipeJsonSchema } from '../../src/recipe/recipeSchema';
import { loadRecipe } from '../../src/recipe/recipeFile';
import { parseRecipe } from '../../src/recipe/recipeSyntax';
import { defaultRecipe } from '../../src/shared/recipeDefaults';
import { recipeProblems } from '../../src/shared/recipeChecks';
import { recipeTypeProblems } from '../../src/shared/recipeFields';
import { checkRunRecipe } from '../../src/trainer/train/runFileChecks';

function load(text: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recipe-auto-'));
  try {
    fs.writeFileSync(path.join(dir, 'r.yaml'), text);
    return loadRecipe(path.join(dir, 'r.yaml'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a recipe that says nothing runs the automatic flow', () => {
  const r = load('data: d\n');
  assert.equal(r.epochs, 'auto');
  assert.equal(r.secondPhase, 'auto');
  assert.equal(r.testSplit, 'auto');
});

test('numbers, off and an explicit phase switch the automatic parts off', () => {
  const r = load('data: d\nepochs: 12\nsecondPhase: off\ntestSplit: 0.2\ntimeBudget: 60\n');
  assert.equal(r.epochs, 12);
  assert.equal(r.secondPhase, undefined);
  assert.equal(r.testSplit, 0.2);
  assert.equal(r.timeBudget, 60);
  const explicit = load('data: d\nsecondPhase: { unfreezeFrom: block_16_expand }\n');
  assert.deepEqual(explicit.secondPhase, { unfreezeFrom: 'block_16_expand', epochs: 5, learningRate: 0.0001 });
});

test('a word the field does not take is refused, naming the words it does', () => {
  const p = parseRecipe('epochs: many\nsecondPhase: sometimes\ntimeBudget: 0\n');
  const messages = p.problems.map((x) => x.message).join('\n');
  assert.match(messages, /"epochs" must be a number or auto/);
  assert.match(messages, /"secondPhase" must be a mapping of fields or auto or off/);
  assert.match(messages, /"timeBudget" must be/);
});

test('the JSON Schema accepts the same words', () => {
  const props = (recipeJsonSchema() as { properties: Record<string, { anyOf?: { enum?: string[] }[] }> }).properties;
  assert.deepEqual(props.epochs.anyOf?.[1].enum, ['auto']);
  assert.deepEqual(props.secondPhase.anyOf?.[1].enum, ['auto', 'off']);
});

test("a run folder's recipe.json with the automatic words passes its checks; a wrong word does not", () => {
  const written = { ...defaultRecipe('data'), secondPhase: 'off' };
  assert.deepEqual(recipeTypeProblems(written), []);
  assert.equal(checkRunRecipe(JSON.parse(JSON.stringify(defaultRecipe('data'))), 'recipe.json').epochs, 'auto');
  assert.deepEqual(recipeTypeProblems({ epochs: 'soon' }), ['"epochs" must be a number, not string']);
  assert.match(recipeProblems({ ...defaultRecipe('data'), timeBudget: 0 })[0].message, /"timeBudget" must be/);
});
