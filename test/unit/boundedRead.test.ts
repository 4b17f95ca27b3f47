// The shared building blocks for reading untrusted files and URLs (src/trainer/io): sizes refused before
// allocating, only regular files opened, messages naming the file or URL and the limit.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { formatBytes } from '../../src/shared/limits';
import { fetchBounded } from '../../src/trainer/io/boundedFetch';
import { readFileBounded, readJsonFile } from '../../src/io/boundedRead';
import { tempDir } from '../helpers/fixtures';
import { hostileServer } from '../helpers/hostileInputs';

const work = tempDir('bounded');
after(() => fs.rmSync(work, { recursive: true, force: true }));

test('readFileBounded reads a regular file and refuses a larger one, a folder and a FIFO by kind', () => {
  const file = path.join(work, 'ten.bin');
  fs.writeFileSync(file, Buffer.alloc(10, 7));
  assert.deepEqual(readFileBounded(file, 10), Buffer.alloc(10, 7));
  assert.throws(() => readFileBounded(file, 9, 'weights file'), {
    message: `Cannot read weights file ${file}: 10 bytes, over the 9 bytes limit.`,
  });
  assert.throws(() => readFileBounded(work, 100), {
    message: `Cannot read file ${work}: a folder, not a regular file.`,
  });
  const fifo = path.join(work, 'pipe');
  execFileSync('mkfifo', [fifo]);
  assert.throws(() => readFileBounded(fifo, 100), {
    message: `Cannot read file ${fifo}: a named pipe (FIFO), not a regular file.`,
  });
  assert.throws(() => readFileBounded(path.join(work, 'missing'), 100), {
    message: `Cannot read file ${path.join(work, 'missing')}: file not found.`,
  });
});

test('readJsonFile names the file and says when the JSON is cut short or empty', () => {
  const cut = path.join(work, 'cut.json');
  fs.writeFileSync(cut, '{"a": [1, 2');
  assert.throws(
    () => readJsonFile(cut, 1000, 'run file'),
    (e: Error) =>
      new RegExp(`^Cannot read run file ${cut}: invalid JSON.*\\(the file looks cut short\\)\\.$`).test(e.message),
  );
  const empty = path.join(work, 'empty.json');
  fs.writeFileSync(empty, '');
  assert.throws(() => readJsonFile(empty, 1000), { message: `Cannot read file ${empty}: the file is empty.` });
});

test('fetchBounded counts bytes as they arrive on a chunked response and stops at the limit', async () => {
  const server = await hostileServer();
  try {
    const url = `${server.url}/endless/x.bin`;
    await assert.rejects(fetchBounded(url, { maxBytes: 3 * 2 ** 20, limitName: 'testLimit', timeoutMs: 60_000 }), {
      message: `Download of ${url} stopped: more than 3 MiB arrived, over the 3 MiB limit (testLimit).`,
    });
    const stall = `${server.url}/stall/x.json`;
    await assert.rejects(
      fetchBounded(stall, {
        maxBytes: 2 ** 20,
        limitName: 'testLimit',
        timeoutMs: 300,
        timeoutSetting: 'SOME_SETTING',
      }),
      { message: `Download of ${stall} timed out after 0.3 s; set SOME_SETTING for slow links.` },
    );
  } finally {
    await server.close();
  }
});

test('formatBytes gives the unit a reader expects', () => {
  assert.deepEqual([512, 2048, 3 * 2 ** 20, 2 ** 30, 1.5 * 2 ** 30].map(formatBytes), [
    '512 bytes',
    '2 KiB',
    '3 MiB',
    '1 GiB',
    '1.5 GiB',
  ]);
});
