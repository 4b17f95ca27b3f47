// How long diagnostics take to follow an edit of a 200-line recipe, over the real protocol. Measured and
// printed, never asserted on time (the machine's load is not the server's fault); the test checks that
// every edit got its own, correct diagnostics.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers/fixtures';
import { lspSession, uriOf } from './lspClient';

const session = lspSession('lsp-latency');

function longRecipe(layers: string[], epochs: number, typo: boolean): string {
  const lines = [
    '# A long recipe: every weighted layer of the kept base listed by name, as the Layers view writes it.',
    'name: fashion-long',
    'data: ../generated/fashion-small',
    'base: mobilenet_v2',
    'freeze:',
    '  featureLayer: out_relu',
    '  frozen:',
  ];
  for (const [i, name] of layers.entries()) {
    if (i % 10 === 0) lines.push(`    # layers ${i} to ${i + 9}`);
    lines.push(`    - ${typo && i === 40 ? `${name}x` : name}`);
  }
  lines.push('head:', '  pooling: avg', '  dropout: 0.2', `epochs: ${epochs}`, 'learningRate: 0.001', 'batchSize: 16');
  while (lines.length < 200) lines.push(`# note ${lines.length}`);
  return `${lines.slice(0, 200).join('\n')}\n`;
}

test('diagnostics of a 200-line recipe follow each edit (measured: p50 and max over 20 edits)', async () => {
  const uri = uriOf(path.join(ROOT, 'test/fixtures/recipes/long.recipe.yaml'));
  const opened = performance.now();
  await session.client.open(uri, 'data: ../generated/fashion-small\n');
  await session.client.diagnosticsOf(uri, 1);
  const cold = performance.now() - opened;
  // The layer names come from the server itself (completion), so the recipe uses the real base.
  await session.client.change(uri, 'freeze:\n  featureLayer: \n');
  const layers = (await session.client.completion(uri, { line: 1, character: 16 }))
    .map((i) => i.label)
    .filter((n) => !/_pad$|relu|^input/.test(n))
    .slice(0, 150);
  const texts = Array.from({ length: 20 }, (_, i) => longRecipe(layers, 5 + i, i % 2 === 1));
  assert.equal(texts[0].split('\n').length - 1, 200);
  const times: number[] = [];
  for (const [i, text] of texts.entries()) {
    const sent = performance.now();
    const version = await session.client.change(uri, text);
    const diagnostics = await session.client.diagnosticsOf(uri, version);
    times.push(performance.now() - sent);
    assert.equal(
      diagnostics.filter((d) => d.code === 'unknown-layer').length,
      i % 2,
      `edit ${i}: ${JSON.stringify(diagnostics.map((d) => d.message))}`,
    );
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    `recipe diagnostics after an edit (200 lines, ${times.length} edits): p50 ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms; first open with a cold trainer ${cold.toFixed(0)} ms`,
  );
});
