// The CLI's pure parts: which files `predict` reads for folders and globs, and when output is plain.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { CliError } from '../../src/cli/cliError';
import { expandImageInputs } from '../../src/cli/imageInputs';
import { outputMode } from '../../src/cli/progressView';
import { tempDir } from '../helpers/fixtures';

const work = tempDir('cli-inputs');
after(() => fs.rmSync(work, { recursive: true, force: true }));
for (const file of ['a/1.png', 'a/2.JPG', 'a/notes.txt', 'a/.hidden.png', 'a/deep/3.png', 'b/4.webp', 'b/5.png']) {
  fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
  fs.writeFileSync(path.join(work, file), 'x');
}
const rel = (files: string[]) => files.map((f) => path.relative(work, f).split(path.sep).join('/'));

test('a folder gives every image under it, in name order, without hidden or non-image files', () => {
  assert.deepEqual(rel(expandImageInputs(['a'], work)), ['a/1.png', 'a/2.JPG', 'a/deep/3.png']);
});

test('globs: * stays in one folder, ** crosses folders, {} and ? choose', () => {
  assert.deepEqual(rel(expandImageInputs(['a/*.png'], work)), ['a/1.png']);
  assert.deepEqual(rel(expandImageInputs(['**/*.png'], work)), ['a/1.png', 'a/deep/3.png', 'b/5.png']);
  assert.deepEqual(rel(expandImageInputs(['b/?.{png,webp}'], work)), ['b/4.webp', 'b/5.png']);
});

test('a file named on its own is kept even when missing (it gets its own error line later)', () => {
  assert.deepEqual(rel(expandImageInputs(['a/notes.txt', 'gone.png'], work)), ['a/notes.txt', 'gone.png']);
});

test('a glob that matches nothing is an error naming the pattern', () => {
  assert.throws(
    () => expandImageInputs(['c/*.png'], work),
    (e: unknown) => e instanceof CliError && /c\/\*\.png/.test(e.message),
  );
});

test('progress is redrawn only on a terminal that takes escape codes', () => {
  assert.equal(outputMode(false, true, { TERM: 'xterm-256color' }), 'tty');
  assert.equal(outputMode(false, true, { TERM: 'dumb' }), 'plain');
  assert.equal(outputMode(false, true, { TERM: 'xterm', NO_COLOR: '1' }), 'plain');
  assert.equal(outputMode(false, true, { TERM: 'xterm', NO_COLOR: '' }), 'tty', 'NO_COLOR counts only when non-empty');
  assert.equal(outputMode(false, false, { TERM: 'xterm' }), 'plain');
  assert.equal(outputMode(true, true, { TERM: 'xterm' }), 'json');
});
