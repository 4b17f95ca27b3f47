// Recipes on text data over the real LSP protocol (dist/server.js): a table's columns in completion, hover
// and diagnostics (with a quick fix), a folder of text classes counted in texts, no base looked up for text,
// and the fields a text run does not read said, not dropped silently.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Diagnostic, MarkupContent } from 'vscode-languageserver-protocol';
import { fixture } from '../helpers/fixtures';
import { lspSession, rangeOf, uriOf } from './lspClient';

const session = lspSession('lsp-text');
const work = session.work;

fs.writeFileSync(path.join(work, 'speeches.csv'), 'id,speaker party,words\n1,Democratic,"We will, at last."\n');
fs.writeFileSync(path.join(work, 'tickets.jsonl'), '{"sentence": "App crashes on save", "label": "bug"}\n');
for (const [cls, n] of [
  ['bug', 3],
  ['feature', 1],
] as const) {
  fs.mkdirSync(path.join(work, 'issues', cls), { recursive: true });
  for (let i = 0; i < n; i++) fs.writeFileSync(path.join(work, 'issues', cls, `${i}.txt`), `text ${i}\n`);
}

async function open(name: string, text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  const uri = uriOf(file);
  await session.client.open(uri, text);
  return { uri, diagnostics: await session.client.diagnosticsOf(uri, 1) };
}

const brief = (d: Diagnostic) => ({ range: d.range, message: d.message, severity: d.severity });

test('a misspelt CSV column gets a did-you-mean and its quick fix; image fields are said to be ignored', async () => {
  const text = 'data: speeches.csv\ntext:\n  column: wrds\n  labelColumn: speaker party\nbase: mobilenet_v3\n';
  const { uri, diagnostics } = await open('columns.recipe.yaml', text);
  // No "Unknown base": text data looks up no base.
  assert.deepEqual(diagnostics.map(brief), [
    {
      range: rangeOf(text, 'base'),
      message:
        '"base" does not apply to text data (frozen word vectors and lexical features with a head); it is ignored.',
      severity: 2,
    },
    {
      range: rangeOf(text, 'wrds'),
      message: 'The table has no column "wrds"; did you mean "words"? (columns: id, speaker party, words)',
      severity: 1,
    },
  ]);
  const fixes = await session.client.codeActions(uri, [diagnostics[1]]);
  assert.deepEqual(
    fixes.map((f) => f.edit?.changes?.[uri]),
    [[{ range: rangeOf(text, 'wrds'), newText: 'words' }]],
  );
});

test('completion offers the columns of the table, and tables of texts beside folders for data', async () => {
  const text = 'data: speeches.csv\ntext:\n  column: \n  model: \n';
  const { uri } = await open('complete.recipe.yaml', text);
  const columns = await session.client.completion(uri, { line: 2, character: 10 });
  assert.deepEqual(
    columns.map((i) => i.label),
    ['id', 'speaker party', 'words'],
  );
  const models = await session.client.completion(uri, { line: 3, character: 9 });
  assert.deepEqual(
    models.map((i) => i.label),
    ['auto', 'fused', 'glove', 'lexical', 'tuned'],
  );
  const data = (await session.client.completion(uri, { line: 0, character: 6 })).map((i) => i.label);
  for (const name of ['issues', 'speeches.csv', 'tickets.jsonl']) assert.ok(data.includes(name), `${name} in ${data}`);
  assert.ok(!data.includes('columns.recipe.yaml'), 'only folders and tables');
});

test('hover on a table shows its columns and which ones the recipe reads', async () => {
  const text = 'data: speeches.csv\ntext:\n  column: words\n  labelColumn: speaker party\n';
  const { uri, diagnostics } = await open('hover.recipe.yaml', text);
  assert.deepEqual(diagnostics, []);
  const hover = (await session.client.hover(uri, rangeOf(text, 'speeches.csv').start))!;
  assert.equal(
    (hover.contents as MarkupContent).value,
    [
      `**Table of texts** \`${path.join(work, 'speeches.csv')}\`: 3 columns`,
      '',
      '| column | in this recipe |',
      '|---|---|',
      '| id |  |',
      '| speaker party | label |',
      '| words | text |',
    ].join('\n'),
  );
});

test('a JSONL table without a "text" key asks for the column; the usual label key is found', async () => {
  const text = 'data: tickets.jsonl\n';
  const { diagnostics } = await open('jsonl.recipe.yaml', text);
  assert.deepEqual(diagnostics.map(brief), [
    {
      range: rangeOf(text, 'tickets.jsonl'),
      message:
        'No column of the table is named text: say which holds the text in text.column (columns: sentence, label).',
      severity: 2,
    },
  ]);
});

test('a folder of text classes is counted in texts; a column there does not apply', async () => {
  const text = 'data: issues\ntext:\n  labelColumn: team\n';
  const { diagnostics } = await open('folder.recipe.yaml', text);
  assert.deepEqual(diagnostics.map(brief), [
    {
      range: rangeOf(text, 'issues'),
      message: 'Class folder "feature" has 1 text; the split needs at least 2 per class.',
      severity: 1,
    },
    {
      range: rangeOf(text, 'team'),
      message: `${path.join(work, 'issues')} is a folder of text classes: its subfolders are the labels, so no column applies.`,
      severity: 2,
    },
  ]);
});

test('a text section on a folder of images is said to be ignored', async () => {
  const images = path.relative(work, fixture('fashion-small'));
  const text = `data: ${images}\nmode: source\ntext:\n  column: words\n`;
  const { diagnostics } = await open('images.recipe.yaml', text);
  assert.deepEqual(diagnostics.map(brief), [
    {
      range: rangeOf(text, 'text', text.indexOf('mode')),
      message: `${fixture('fashion-small')} holds images: the text section applies to text data and is ignored.`,
      severity: 2,
    },
  ]);
});

test('text.encoder: a sentence encoder passes; a folder with only an ONNX model is said to lack the rest', async () => {
  const encoder = path.relative(work, fixture('text-encoders/tiny'));
  const good = `data: speeches.csv\ntext:\n  column: words\n  labelColumn: speaker party\n  encoder: ${encoder}\n`;
  assert.deepEqual((await open('encoder.recipe.yaml', good)).diagnostics, []);
  fs.mkdirSync(path.join(work, 'bare'), { recursive: true });
  fs.copyFileSync(
    path.join(fixture('text-encoders/tiny'), 'onnx', 'model.onnx'),
    path.join(work, 'bare', 'model.onnx'),
  );
  const bad = good.replace(encoder, 'bare');
  const { diagnostics } = await open('bare.recipe.yaml', bad);
  assert.deepEqual(diagnostics.map(brief), [
    {
      range: rangeOf(bad, 'bare'),
      message:
        'bare is not an ONNX sentence encoder: no tokenizer.json, no sentence-transformers metadata (modules.json).',
      severity: 1,
    },
  ]);
});

test('text.pooling and text.vocabularySize: completion, hover and range from the field table', async () => {
  const text = 'data: speeches.csv\ntext:\n  column: words\n  pooling: \n  vocabularySize: 0\n';
  const { uri, diagnostics } = await open('options.recipe.yaml', text);
  const poolings = await session.client.completion(uri, { line: 3, character: 11 });
  assert.deepEqual(
    poolings.map((i) => i.label),
    ['mean+max', 'mean'],
  );
  const hover = (await session.client.hover(uri, rangeOf(text, 'vocabularySize').start))!;
  const value = (hover.contents as MarkupContent).value;
  assert.match(value, /^\*\*text\.vocabularySize\*\*: Words the tuned model's Embedding keeps/);
  assert.match(value, /a whole number from 1 to 30000$/);
  assert.deepEqual(diagnostics.filter((d) => d.code === 'field').map(brief), [
    { range: rangeOf(text, 'pooling'), message: '"text.pooling" has no value.', severity: 1 },
    {
      range: rangeOf(text, '0', text.indexOf('vocabularySize')),
      message: '"text.vocabularySize" must be a whole number from 1 to 30000 (got 0).',
      severity: 1,
    },
  ]);
});

test('a text option the chosen model does not read is said to be ignored', async () => {
  const text = 'data: speeches.csv\ntext:\n  column: words\n  model: lexical\n  pooling: mean\n  vocabularySize: 500\n';
  const { diagnostics } = await open('unread.recipe.yaml', text);
  assert.deepEqual(diagnostics.filter((d) => d.code === 'text-unread').map(brief), [
    {
      range: rangeOf(text, 'pooling'),
      message: 'text.pooling is ignored: it applies to fused and glove, not to lexical.',
      severity: 2,
    },
    {
      range: rangeOf(text, 'vocabularySize'),
      message: 'text.vocabularySize is ignored: it applies to tuned, not to lexical.',
      severity: 2,
    },
  ]);
  const read = text.replace('model: lexical', 'model: auto');
  assert.deepEqual(
    (await open('read.recipe.yaml', read)).diagnostics.filter((d) => d.code === 'text-unread'),
    [],
  );
});

test('text.encoder as a URL: its form is checked, the network never touched', async () => {
  const good = 'data: tickets.jsonl\ntext:\n  column: sentence\n  encoder: https://example.org/models/enc/\n';
  assert.deepEqual((await open('url.recipe.yaml', good)).diagnostics, []);
  const bad = good.replace('https://example.org/models/enc/', 'https://a b/');
  assert.deepEqual((await open('bad-url.recipe.yaml', bad)).diagnostics.map(brief), [
    {
      range: rangeOf(bad, 'https://a b/'),
      message: '"https://a b/" has a space in it: encode it as %20.',
      severity: 1,
    },
  ]);
});
