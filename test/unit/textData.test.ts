// Text data: normalisation, identifier splitting, deduplication, and reading class folders and tables
// (CSV with quotes and newlines, TSV, JSONL) with every unusable file or row skipped with a reason.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { LIMITS } from '../../src/shared/limits';
import { dedupeTexts } from '../../src/shared/text/textExamples';
import { normaliseText } from '../../src/shared/text/textNormalise';
import { splitIdentifier, wordTokens } from '../../src/shared/text/textTokens';
import { isTextData } from '../../src/cli/textCommands';
import { readTextDataset } from '../../src/trainer/data/text/textDataset';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-text-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, content: string | Buffer): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

describe('text normalisation and words', () => {
  it('drops the BOM and control characters, folds white space and compatibility forms', () => {
    assert.equal(normaliseText('\uFEFF  Ｆｕｌｌ\twidth\r\n\u0007line  '), 'Full width line');
  });

  it('splits camelCase, PascalCase, snake_case, paths and digits', () => {
    assert.deepEqual(splitIdentifier('parseHTTPHeader2'), ['parse', 'HTTP', 'Header', '2']);
    assert.deepEqual(wordTokens('getUserName failed in src/cli/main_loop.ts'), [
      'get',
      'user',
      'name',
      'failed',
      'in',
      'src',
      'cli',
      'main',
      'loop',
      'ts',
    ]);
    assert.deepEqual(wordTokens("Don't PANIC"), ['don', 't', 'panic']);
  });

  it('drops exact duplicates after normalisation and a text labelled twice from both labels', () => {
    const { examples, skipped } = dedupeTexts([
      { text: 'Disk full', label: 'ops', path: 'a' },
      { text: 'disk  full', label: 'ops', path: 'b' }, // differs in case: kept
      { text: ' Disk full ', label: 'ops', path: 'c' },
      { text: 'crash on start', label: 'bug', path: 'd' },
      { text: 'crash on start', label: 'ops', path: 'e' },
      { text: '   ', label: 'ops', path: 'f' },
    ]);
    assert.deepEqual(
      examples.map((e) => e.path),
      ['a', 'b'],
    );
    assert.deepEqual(
      skipped.map((s) => s.path),
      ['c', 'd', 'e', 'f'],
    );
    assert.match(skipped[1].reason, /bug and ops/);
  });
});

describe('readTextDataset', () => {
  it('reads a class folder: UTF-8 with and without BOM; binary, Latin-1 and other files skipped', () => {
    write('folder/bug/1.txt', 'The app crashes when I click save');
    write('folder/bug/2.md', '\uFEFF# Crash\nNull pointer in parseConfig');
    write('folder/bug/latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6f, 0x6b])); // "café ok" in Latin-1
    write('folder/bug/blob.txt', Buffer.from([1, 2, 0, 4]));
    write('folder/bug/image.png', 'not text');
    write('folder/feature/1.txt', 'Please add a dark theme');
    write('folder/feature/2.txt', 'Support exporting to CSV');
    assert.equal(isTextData(path.join(tmp, 'folder')), true);
    assert.equal(isTextData(path.join(tmp, 'folder', 'bug')), false);
    const data = readTextDataset(path.join(tmp, 'folder'));
    assert.deepEqual(data.classes, ['bug', 'feature']);
    assert.equal(data.examples.length, 4);
    assert.equal(data.examples.find((e) => e.path.endsWith('2.md'))!.text, '# Crash Null pointer in parseConfig');
    const reasons = Object.fromEntries(data.skipped.map((s) => [path.basename(s.path), s.reason]));
    assert.match(reasons['latin1.txt'], /not UTF-8/);
    assert.match(reasons['blob.txt'], /binary/);
    assert.match(reasons['image.png'], /not a \.txt or \.md/);
  });

  it('skips a file above the size bound without reading it', () => {
    write('big/a/1.txt', 'x'.repeat(LIMITS.maxTextFileBytes + 1));
    write('big/a/2.txt', 'fine');
    write('big/b/1.txt', 'also fine');
    const data = readTextDataset(path.join(tmp, 'big'));
    assert.match(data.skipped.find((s) => s.path.endsWith(path.join('a', '1.txt')))!.reason, /more than 4 MiB/);
  });

  it('reads a CSV with a header found by its usual names, quoted commas and newlines', () => {
    const file = write('t.csv', 'id,label,text\n1,bug,"Crash, then ""hang"""\n2,feature,"Two\nlines"\n3,bug,\n');
    const data = readTextDataset(file);
    assert.deepEqual(
      data.examples.map((e) => [e.path, e.label, e.text]),
      [
        ['t.csv:2', 'bug', 'Crash, then "hang"'],
        ['t.csv:3', 'feature', 'Two lines'],
      ],
    );
    assert.deepEqual(data.skipped, [{ path: 't.csv:4', reason: 'empty text', label: 'bug' }]);
  });

  it('names columns by flag (header name or 1-based position) and reads TSV without a header', () => {
    const csv = write('named.csv', 'Title,Kind\nSlow start,perf\nWrong colour,ui\n');
    assert.deepEqual(readTextDataset(csv, { text: 'Title', label: 'Kind' }).classes, ['perf', 'ui']);
    assert.throws(() => readTextDataset(csv, { text: 'Body', label: 'Kind' }), /no column "Body"/);
    const tsv = write('plain.tsv', 'ui\tButton misaligned\nperf\tLaggy scrolling\n');
    const data = readTextDataset(tsv, { text: '2', label: '1' });
    assert.deepEqual(
      data.examples.map((e) => e.text),
      ['Button misaligned', 'Laggy scrolling'],
    );
  });

  it('reads JSONL, skipping lines that are not JSON or lack a label', () => {
    const file = write(
      't.jsonl',
      '{"text":"ok","label":"a"}\nnot json\n{"text":"no label"}\n{"text":"fine","label":2}\n',
    );
    const data = readTextDataset(file);
    assert.deepEqual(
      data.examples.map((e) => e.label),
      ['a', '2'],
    );
    assert.deepEqual(
      data.skipped.map((s) => s.path),
      ['t.jsonl:2', 't.jsonl:3'],
    );
  });

  it('refuses a table in another encoding and a set with one class, naming the file', () => {
    const latin = write('latin.csv', Buffer.from('text,label\ncaf\xe9,a\n', 'latin1'));
    assert.throws(() => readTextDataset(latin), /latin\.csv: not UTF-8/);
    const one = write('one.csv', 'text,label\nx,a\ny,a\n');
    assert.throws(() => readTextDataset(one), /one\.csv: needs at least two classes/);
  });
});

describe('isTextData', () => {
  it('keeps an image folder with a stray note an image folder', () => {
    write('pictures/cat/1.png', 'x');
    write('pictures/cat/2.png', 'x');
    write('pictures/cat/notes.txt', 'where these came from');
    write('pictures/dog/1.png', 'x');
    assert.equal(isTextData(path.join(tmp, 'pictures')), false);
    write('pictures/dog/a.txt', 'a');
    write('pictures/dog/b.txt', 'b');
    write('pictures/dog/c.md', 'c');
    assert.equal(isTextData(path.join(tmp, 'pictures')), true, 'more texts than images');
  });
});
