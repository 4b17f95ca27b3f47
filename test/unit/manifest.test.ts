// The extension manifest's promises, checked where VS Code cannot be asked offline: what activates it, the
// schema the YAML extension gets for recipes, setting descriptions, and the localized strings.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { RECIPE_FIELDS } from '../../src/shared/recipeFields';
import { recipeJsonSchema } from '../../src/recipe/recipeSchema';
import { RECIPE_LANGUAGE } from '../../src/shared/recipeLanguage';

const ROOT = path.resolve(__dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;

test('opening a recipe activates the extension by its own language; no YAML file else, nor everything', () => {
  const events: string[] = manifest.activationEvents;
  // workspaceContains' search gives up after a few seconds on a busy machine or a large workspace, and then a
  // recipe opened later had no diagnostics nor CodeLens: *.recipe.yaml is a language of its own, and its
  // onLanguage: is the one such event (never onLanguage:yaml, which would activate on every YAML file).
  assert.deepEqual(
    events.filter((e) => e.startsWith('onLanguage:')),
    [`onLanguage:${RECIPE_LANGUAGE}`],
  );
  assert.ok(!events.includes('*'));
  assert.ok(events.includes('workspaceContains:**/*.recipe.yaml'), 'a workspace with recipes activates it');
  const languages: { id: string; filenamePatterns: string[]; configuration: string }[] = manifest.contributes.languages;
  assert.deepEqual(
    languages.map((l) => [l.id, l.filenamePatterns]),
    [[RECIPE_LANGUAGE, ['*.recipe.yaml']]],
  );
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, languages[0].configuration), 'utf8'));
  assert.equal(config.comments.lineComment, '#');
  assert.equal(manifest.contributes.configurationDefaults[`[${RECIPE_LANGUAGE}]`]['editor.insertSpaces'], true);
});

test("the recipe language's grammar is YAML's, so recipes keep their colours", () => {
  const grammars: { language: string; scopeName: string; path: string }[] = manifest.contributes.grammars;
  const grammar = grammars.find((g) => g.language === RECIPE_LANGUAGE)!;
  const tm = JSON.parse(fs.readFileSync(path.join(ROOT, grammar.path), 'utf8'));
  assert.equal(tm.scopeName, grammar.scopeName);
  assert.deepEqual(tm.patterns, [{ include: 'source.yaml' }]);
});

test('yamlValidation gives *.recipe.yaml the recipe schema, which covers every recipe field', () => {
  const entries: { fileMatch: string | string[]; url: string }[] = manifest.contributes.yamlValidation;
  const entry = entries.find((e) => [e.fileMatch].flat().includes('*.recipe.yaml'));
  assert.ok(entry, 'an entry for *.recipe.yaml');
  const file = path.join(ROOT, entry.url);
  assert.ok(fs.existsSync(file), `${entry.url} exists`);
  const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as { properties: Record<string, unknown> };
  assert.deepEqual(schema, recipeJsonSchema(), 'the shipped schema is the generated one');
  for (const field of Object.keys(RECIPE_FIELDS)) assert.ok(schema.properties[field], `schema has "${field}"`);
  const json = manifest.contributes.jsonValidation.find((e: { fileMatch: string[] }) =>
    e.fileMatch.includes('*.recipe.json'),
  );
  assert.equal(json.url, entry.url, 'JSON and YAML recipes use the same schema');
});

test('every setting has a markdownDescription, and every enum a description per value', () => {
  for (const [key, setting] of Object.entries<Record<string, unknown>>(manifest.contributes.configuration.properties)) {
    assert.equal(typeof setting.markdownDescription, 'string', `${key} markdownDescription`);
    assert.equal(setting.description, undefined, `${key}: one description, the markdown one`);
    if (setting.enum) {
      assert.equal(
        (setting.enumDescriptions as string[] | undefined)?.length,
        (setting.enum as string[]).length,
        `${key} enumDescriptions`,
      );
    }
  }
});

test('every %placeholder% of package.json is in package.nls.json, and every entry there is used', () => {
  const used = new Set([...JSON.stringify(manifest).matchAll(/"%([^"%]+)%"/g)].map((m) => m[1]));
  assert.ok(used.size > 40, `placeholders in use: ${used.size}`);
  for (const key of used) assert.equal(typeof nls[key], 'string', `package.nls.json lacks "${key}"`);
  for (const key of Object.keys(nls)) assert.ok(used.has(key), `package.nls.json has unused "${key}"`);
  assert.doesNotMatch(JSON.stringify(manifest.contributes.commands), /"title":"[^%]/, 'command titles are localized');
});

test('the icon is a 128×128 PNG', () => {
  assert.equal(manifest.icon, 'media/icon.png');
  const png = fs.readFileSync(path.join(ROOT, manifest.icon));
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
});

test('the walkthrough: five steps with a picture each, and links only to commands that exist', () => {
  const [walkthrough] = manifest.contributes.walkthroughs as {
    steps: { id: string; description: string; media: { image: string }; completionEvents: string[] }[];
  }[];
  assert.deepEqual(
    walkthrough.steps.map((s) => s.id),
    ['openData', 'fineTune', 'watchPanel', 'openReport', 'export'],
  );
  const ours = new Set((manifest.contributes.commands as { command: string }[]).map((c) => c.command));
  const builtIn = new Set(['workbench.action.files.openFolder']);
  for (const step of walkthrough.steps) {
    assert.ok(fs.existsSync(path.join(ROOT, step.media.image)), `${step.id}: ${step.media.image}`);
    const text = nls[step.description.replace(/%/g, '')];
    const linked = [...text.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
    assert.ok(linked.length > 0, `${step.id} has a button`);
    for (const id of linked) assert.ok(ours.has(id) || builtIn.has(id), `${step.id} links to unknown command ${id}`);
    for (const event of step.completionEvents) {
      const id = event.replace(/^onCommand:/, '');
      assert.ok(ours.has(id) || builtIn.has(id), `${step.id} completes on unknown ${event}`);
    }
  }
});

test('Check Data runs the trainer, so no menu offers it in Restricted Mode', () => {
  const menus = manifest.contributes.menus as Record<string, { command: string; when?: string }[]>;
  const places = Object.entries(menus).filter(([, items]) =>
    items.some((m) => m.command === 'transferStudio.checkData'),
  );
  assert.deepEqual(places.map(([name]) => name).sort(), ['commandPalette', 'explorer/context']);
  for (const [name, items] of places)
    for (const m of items.filter((i) => i.command === 'transferStudio.checkData'))
      assert.match(m.when ?? '', /(^|&& )isWorkspaceTrusted( &&|$)/, `${name}: ${m.when}`);
});
