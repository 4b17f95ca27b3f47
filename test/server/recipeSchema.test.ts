// The shipped JSON Schema is the field table's output, and it covers every field of a run's recipe.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { recipeJsonSchema } from '../../src/recipe/recipeSchema';
import { defaultRecipe } from '../../src/shared/recipeDefaults';

const FILE = path.resolve(__dirname, '../../schemas/recipe.schema.json');

test('schemas/recipe.schema.json is generated from the field table', () => {
  const shipped = JSON.parse(fs.readFileSync(FILE, 'utf8')) as object;
  assert.deepEqual(
    shipped,
    recipeJsonSchema(),
    "regenerate: node --import tsx -e \"require('fs').writeFileSync('schemas/recipe.schema.json', JSON.stringify(require('./src/recipe/recipeSchema').recipeJsonSchema(), null, 2) + '\\n')\"",
  );
});

test('the schema knows every field a run saves, and refuses unknown ones', () => {
  const schema = recipeJsonSchema() as {
    properties: Record<string, { properties?: object }>;
    additionalProperties: boolean;
  };
  const recipe = {
    ...defaultRecipe('d'),
    optimizer: 'adam',
    name: 'n',
    augmentation: {},
    secondPhase: {},
    inputSize: [1, 1],
    inputChannels: 1,
    maxPerClass: 0,
  };
  for (const key of Object.keys(recipe)) assert.ok(schema.properties[key], `schema lacks "${key}"`);
  assert.deepEqual(Object.keys(schema.properties.freeze.properties ?? {}), ['featureLayer', 'freezeUpTo', 'frozen']);
  assert.equal(schema.additionalProperties, false);
});
