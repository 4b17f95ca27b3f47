// The extension manifest's promises, checked where VS Code cannot be asked offline: what activates it, the
// schema the YAML extension gets for recipes, setting descriptions, and the localized strings.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { RECIPE_FIELDS } from '../../src/shared/recipeFields';
import { recipeJsonSchema } from '../../src/recipe/recipeSchema';

const ROOT = path.resolve(__dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;

test('the extension does not activate on every YAML file, nor on everything', () => {
  const events: string[] = manifest.activationEvents;
  assert.ok(!events.some((e) => e.startsWith('onLanguage:')), events.join(', '));
  assert.ok(!events.includes('*'));
  assert.ok(events.includes('workspaceContains:**/*.recipe.yaml'), 'a workspace with recipes activates it');
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
