// `embed` on text through the built CLI, on real sentences (State of the Union addresses, two eras): GloVe's
// pooled row of each text and a user's ONNX encoder's vectors, written as the image embed writes them (CSV,
// .npy, JSON), the light classifier's held-out accuracy, the encoder's vectors read back from the cache, and
// the same refusals (an existing output without --force, an image-only flag).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EXIT } from '../../src/cli/exitCodes';
import type { EmbedResult } from '../../src/shared/engineTypes';
import { readNpy } from '../../src/trainer/features/npy';
import { cliEnv, cliSync, jsonLines } from '../helpers/cli';
import { fixture, tempDir } from '../helpers/fixtures';
import { csvQuote, partyRows } from '../helpers/textTables';

const work = tempDir('text-embed');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const ENV = cliEnv(work);
const cli = (...args: string[]) => cliSync(work, args, ENV);
const COLUMNS = ['--text-column', 'sentence', '--label-column', 'party'];
const result = (stdout: string) => jsonLines(stdout).find((l) => l.type === 'result')!.result as EmbedResult;
const CLASSES = ['Democratic-Republican', 'Republican'];
const PER_CLASS = 60;
const ENCODER = fixture('text-encoders/tiny');

before(() => {
  const rows = partyRows(CLASSES, PER_CLASS, 5);
  fs.writeFileSync(
    path.join(work, 'speeches.csv'),
    ['party,sentence', ...rows.map((r) => `${csvQuote(r.label)},${csvQuote(r.text)}`)].join('\n'),
  );
});

const norm = (xs: Float32Array) => Math.sqrt(xs.reduce((a, x) => a + x * x, 0));

test('GloVe: one 200-value row per text (SIF mean | max, each half of length 1/√2), CSV, .npy and JSON', async () => {
  const r = cli('embed', 'speeches.csv', ...COLUMNS, '--json');
  assert.equal(r.code, EXIT.ok, r.stderr);
  const embedded = result(r.stdout);
  // The default folder is named after the table, without its extension.
  assert.equal(path.dirname(embedded.npyPath), path.join(work, '.transfer-studio/embeddings/speeches'));
  assert.equal(embedded.count, 2 * PER_CLASS);
  assert.equal(embedded.dims, 200);
  const npy = await readNpy(embedded.npyPath);
  assert.deepEqual([npy.rows, npy.cols], [2 * PER_CLASS, 200]);
  for (let i = 0; i < npy.rows; i++) {
    const row = npy.data.subarray(i * 200, (i + 1) * 200);
    for (const half of [row.subarray(0, 100), row.subarray(100)]) assert.ok(Math.abs(norm(half) - Math.SQRT1_2) < 1e-5);
  }
  const csv = fs.readFileSync(embedded.csvPath, 'utf8').trim().split('\r\n');
  assert.equal(csv.length, 1 + 2 * PER_CLASS);
  const about = JSON.parse(fs.readFileSync(path.join(path.dirname(embedded.npyPath), 'embeddings.json'), 'utf8'));
  assert.equal(about.base, 'glove');
  assert.deepEqual(about.classes, CLASSES);
  // The CSV's rows are the .npy's rows, in the JSON's order.
  assert.equal(csv[1].split(',')[0], about.rows[0].path);
  assert.equal(Math.fround(Number(csv[1].split(',')[2])), npy.data[0]);
  // Two eras of American politics: well above chance on the held-out 30 %.
  console.log(`logistic on GloVe rows: ${embedded.classifier!.accuracy} on ${embedded.classifier!.evaluatedOn}`);
  assert.equal(embedded.classifier!.evaluatedOn, 2 * Math.round(0.3 * PER_CLASS));
  assert.ok(embedded.classifier!.accuracy > 0.6, String(embedded.classifier!.accuracy));

  // Again into the same folder: refused, naming the file; --layer is for images.
  const again = cli('embed', 'speeches.csv', ...COLUMNS);
  assert.equal(again.code, EXIT.failed, again.stderr);
  assert.ok(again.stderr.includes(embedded.csvPath) && again.stderr.includes('--force'), again.stderr);
  const layer = cli('embed', 'speeches.csv', ...COLUMNS, '--layer', 'x', '--out', 'other');
  assert.notEqual(layer.code, EXIT.ok);
  assert.match(layer.stderr, /--layer/);
  assert.ok(!fs.existsSync(path.join(work, 'other')));
});

test('an ONNX encoder: its normalised vectors, the same when read back from the feature cache', async () => {
  const embed = (...more: string[]) => {
    const args = ['embed', 'speeches.csv', ...COLUMNS, '--base', ENCODER, '--classifier', 'knn', '--out', 'enc'];
    const r = cli(...args, '--json', ...more);
    assert.equal(r.code, EXIT.ok, r.stdout);
    const computed = jsonLines(r.stdout).find((l) => / texts computed$/.test(String(l.message)));
    return { ...result(r.stdout), computed: String(computed?.message) };
  };
  const first = embed();
  const width = JSON.parse(fs.readFileSync(path.join(ENCODER, 'config.json'), 'utf8')).hidden_size as number;
  assert.deepEqual([first.count, first.dims], [2 * PER_CLASS, width]);
  assert.equal(first.classifier?.kind, 'knn');
  const vectors = await readNpy(first.npyPath);
  // The encoder's folder has a Normalize module: every vector has length 1.
  for (let i = 0; i < vectors.rows; i++)
    assert.ok(Math.abs(norm(vectors.data.subarray(i * width, (i + 1) * width)) - 1) < 1e-5);
  assert.match(first.computed, new RegExp(`: ${2 * PER_CLASS} of ${2 * PER_CLASS} texts computed`));
  const second = embed('--force');
  assert.match(second.computed, new RegExp(`: 0 of ${2 * PER_CLASS} texts computed`));
  assert.deepEqual((await readNpy(second.npyPath)).data, vectors.data);
});
