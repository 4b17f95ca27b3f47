// The README's generated blocks (npm run readme): only the text between a block's markers changes, a missing or
// doubled block stops the run, and the demo's table is cut from its stdout as the CLI prints it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockContent, demoRow, demoTable, replaceBlock } from '../../scripts/readmeBlocks.mjs';

const README =
  'Intro\n<!-- readme:size -->44 MB<!-- /readme:size --> and\n<!-- readme:demo -->\nold\n<!-- /readme:demo -->\nEnd';

test('replaceBlock changes what lies between the markers and nothing else', () => {
  const out = replaceBlock(replaceBlock(README, 'size', '37.1 MB'), 'demo', '\nnew\n');
  assert.equal(out, README.replace('44 MB', '37.1 MB').replace('\nold\n', '\nnew\n'));
  assert.equal(blockContent(out, 'size'), '37.1 MB');
  assert.equal(blockContent(out, 'absent'), undefined);
});

test('a block that is missing or written twice is an error', () => {
  assert.throws(() => replaceBlock(README, 'absent', 'x'), /no block <!-- readme:absent -->/);
  assert.throws(() => replaceBlock(`${README}\n<!-- readme:size -->`, 'size', 'x'), /twice/);
});

test("the demo's table ends at the first blank line; a row is found by its approach, wrapped lines and all", () => {
  const stdout = [
    'approach      data   accuracy',
    '────────────  ─────  ────────',
    'develop:      MNIST  98.7%',
    'pre-trained:  MNIST  86.0%',
    'MobileNetV2',
    'features',
    'few-shot:     MNIST  74.4%',
    '',
    'backend wasm',
    'Total: 57 s',
  ].join('\n');
  const table = demoTable(stdout);
  assert.equal(table.split('\n').length, 7);
  assert.equal(demoRow(table, 'pre-trained:'), 'pre-trained:  MNIST  86.0%\nMobileNetV2\nfeatures');
  assert.equal(demoRow(table, 'few-shot:'), 'few-shot:     MNIST  74.4%');
  assert.equal(demoRow(table, 'absent:'), undefined);
});
