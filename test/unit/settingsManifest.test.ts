// package.json declares the extension's settings for VS Code's settings editor. Their types, bounds and
// defaults are facts of the recipe (src/shared/recipeFields.ts, src/shared/recipeDefaults.ts): this test
// keeps the manifest's copy equal to them, since JSON cannot import TypeScript.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { BACKEND_PREFERENCES } from '../../src/shared/engineTypes';
import { defaultRecipe } from '../../src/shared/recipeDefaults';
import {
  FLAG_SETTINGS,
  NUMBER_SETTINGS,
  SECOND_PHASE_SETTING_VALUES,
  secondPhaseSetting,
  settingSpec,
  settingsOfRecipe,
} from '../../src/shared/trainingSettings';

type Property = Record<string, unknown>;
const manifest = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8'));
const properties: Record<string, Property> = manifest.contributes.configuration.properties;
const setting = (key: string): Property => {
  const p = properties[`transferStudio.${key}`];
  assert.ok(p, `package.json declares transferStudio.${key}`);
  return p;
};
const BOUND_KEYS = ['type', 'minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum', 'enum', 'pattern'];
const bounds = (p: Property) => Object.fromEntries(BOUND_KEYS.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]));

test('each numeric setting has the type and bounds of the recipe field of the same name, and its default', () => {
  const defaults = settingsOfRecipe({});
  for (const key of NUMBER_SETTINGS) {
    const spec = settingSpec(key);
    const type = spec.integer ? 'integer' : 'number';
    // A field that also takes words (epochs: auto) is a number or one of those words.
    const expected: Property = spec.words ? { type: [type, 'string'], pattern: `^${spec.words.join('|')}$` } : { type };
    if (spec.min !== undefined) expected[spec.exclusiveMin ? 'exclusiveMinimum' : 'minimum'] = spec.min;
    if (spec.max !== undefined) expected[spec.exclusiveMax ? 'exclusiveMaximum' : 'maximum'] = spec.max;
    assert.deepEqual(bounds(setting(key)), expected, `transferStudio.${key}`);
    assert.equal(setting(key).default, defaults[key], `default of transferStudio.${key}`);
  }
});

test('the switches that are settings default to the recipe defaults; the others are panel-only', () => {
  const defaults = settingsOfRecipe({});
  const declared = FLAG_SETTINGS.filter((key) => properties[`transferStudio.${key}`]);
  assert.deepEqual(declared, ['augmentation', 'secondPhase']);
  for (const key of declared.filter((k) => k !== 'secondPhase'))
    assert.deepEqual(
      { type: setting(key).type, default: setting(key).default },
      { type: 'boolean', default: defaults[key] },
    );
});

test('the backend setting offers exactly the backend preferences, auto first and by default', () => {
  assert.deepEqual(setting('backend').enum, [...BACKEND_PREFERENCES]);
  assert.equal(setting('backend').default, BACKEND_PREFERENCES[0]);
  assert.equal((setting('backend').enumDescriptions as unknown[]).length, BACKEND_PREFERENCES.length);
});

test("the runs folder defaults to the recipe's output folder", () => {
  assert.equal(setting('runsFolder').default, defaultRecipe('').outputDir);
});

test('the second-phase setting offers auto, on and off, defaults to the recipe default, and maps to the switch', () => {
  assert.deepEqual(
    { enum: setting('secondPhase').enum, type: setting('secondPhase').type },
    { enum: [...SECOND_PHASE_SETTING_VALUES], type: 'string' },
  );
  assert.equal(secondPhaseSetting(setting('secondPhase').default), settingsOfRecipe({}).secondPhase);
  assert.deepEqual(SECOND_PHASE_SETTING_VALUES.map(secondPhaseSetting), ['auto', true, false]);
});
