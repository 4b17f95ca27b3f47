// The CLI's contract with scripts and people, through the built dist/cli.js: help with defaults, version,
// choices, exit codes, JSON errors, plain output off a terminal, and predict over folders and globs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { BACKEND_PREFERENCES as BACKENDS } from '../../src/shared/engineTypes';
import { EXIT } from '../../src/cli/exitCodes';
import { defaultRecipe } from '../../src/shared/recipeDefaults';
import { PREDICT_BATCH_LIMIT } from '../../src/shared/trainerProtocol';
import { CLI, cliEnv, cliSync, jsonLines, tinySource } from '../helpers/cli';
import { fixture, ROOT, tempDir } from '../helpers/fixtures';

const work = tempDir('cli-contract');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const ENV = cliEnv(work);
const TINY_TRAIN = [
  'train',
  fixture('digits-0-4'),
  // Enough epochs that the predict test can expect digits to be recognised (1 epoch guessed one class).
  ...tinySource(8),
  '--max-per-class',
  '20',
  '--out',
  'runs',
];

const cli = (args: string[], env = ENV) => cliSync(work, args, env);

let runDir = '';
before(() => {
  const r = cli([...TINY_TRAIN, '--json']);
  assert.equal(r.code, EXIT.ok, r.stderr);
  runDir = (
    jsonLines(r.stdout).find((l) => l.type === 'result')!.result as {
      runDir: string;
    }
  ).runDir;
});

test('--version prints the package version', () => {
  const r = cli(['--version']);
  assert.equal(r.code, EXIT.ok);
  assert.equal(
    r.stdout.trim(),
    (
      JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version,
  );
});

test('train --help shows every option with the engine defaults, the choices and the exit codes', () => {
  const r = cli(['train', '--help']);
  assert.equal(r.code, EXIT.ok, r.stderr);
  const help = r.stdout.replace(/\s+/g, ' ');
  const d = defaultRecipe('');
  // commander quotes string defaults: (default: "auto").
  assert.match(help, new RegExp(`--epochs <n> .*?\\(default: "?${d.epochs}"?\\)`));
  assert.match(help, new RegExp(`--batch-size <n> .*?\\(default: ${d.batchSize}\\)`));
  assert.match(help, new RegExp(`--lr <rate> .*?\\(default: ${d.learningRate}\\)`));
  assert.match(help, /--pooling <kind> .*?choices: "avg", "max", "flatten"/);
  for (const code of Object.values(EXIT)) assert.match(r.stdout, new RegExp(`^ +${code} +\\w`, 'm'));
  assert.equal(cli(['help', 'train']).stdout, r.stdout, '`help train` is the same help');
});

test('no command: the overview on stderr and exit code 2', () => {
  const r = cli([]);
  assert.equal(r.code, EXIT.usage);
  for (const name of ['layers', 'scan', 'train', 'resume', 'evaluate', 'predict', 'embed', 'demo'])
    assert.match(r.stderr, new RegExp(`\\n  ${name} `));
});

test('--backend gpu is refused with the list of choices, exit code 2', () => {
  const r = cli(['train', fixture('digits-0-4'), '--backend', 'gpu']);
  assert.equal(r.code, EXIT.usage);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^transfer-studio: .*'gpu'/);
  for (const b of BACKENDS) assert.ok(lines[0].includes(b), `${b} listed`);
});

test('with --json, usage errors are JSON on stdout too', () => {
  for (const args of [
    ['train', fixture('digits-0-4'), '--backend', 'gpu'],
    ['train', '--epochs', 'many', 'x'],
    ['layers'],
    ['train', '--nope'],
  ]) {
    const r = cli([...args, '--json']);
    assert.equal(r.code, EXIT.usage, args.join(' '));
    const [line, ...more] = jsonLines(r.stdout);
    assert.equal(more.length, 0);
    assert.equal(line.type, 'error');
    assert.equal(typeof line.message, 'string');
    assert.equal(r.stderr, '');
  }
});

test('a failure that is not a usage error exits with 1', () => {
  const r = cli(['scan', path.join(work, 'no-such-folder'), '--json']);
  assert.equal(r.code, EXIT.failed);
  assert.equal(jsonLines(r.stdout).at(-1)!.type, 'error');
});

test('predict on a folder and a glob: one line per image, an error line for an unreadable one, exit 1', () => {
  const inbox = path.join(work, 'inbox');
  const source = path.join(fixture('digits-0-4'), '3');
  const pngs = fs
    .readdirSync(source)
    .filter((f) => f.endsWith('.png'))
    .slice(0, PREDICT_BATCH_LIMIT + 6);
  assert.ok(pngs.length > PREDICT_BATCH_LIMIT, 'enough images for two batches');
  fs.mkdirSync(path.join(inbox, 'nested'), { recursive: true });
  pngs.forEach((f, i) => fs.copyFileSync(path.join(source, f), path.join(inbox, i % 2 ? 'nested' : '', f)));
  fs.writeFileSync(path.join(inbox, 'broken.png'), 'this is not a png');

  const r = cli(['predict', runDir, inbox, '--json']);
  assert.equal(r.code, EXIT.failed, r.stderr);
  const lines = jsonLines(r.stdout);
  const items = lines.filter((l) => l.type === 'prediction');
  assert.equal(items.length, pngs.length + 1);
  const failed = items.filter((l) => 'error' in l);
  assert.deepEqual(
    failed.map((l) => path.basename(l.path as string)),
    ['broken.png'],
  );
  const labels = items.filter((l) => 'label' in l).map((l) => l.label);
  assert.ok(labels.filter((l) => l === '3').length > labels.length / 2, `mostly "3": ${labels.join(' ')}`);
  assert.deepEqual(lines.at(-1), {
    type: 'result',
    result: { images: pngs.length + 1, predicted: pngs.length, failed: 1 },
  });

  const glob = cli(['predict', runDir, `${path.relative(work, inbox)}/nested/*.png`]);
  assert.equal(glob.code, EXIT.ok, glob.stderr);
  const textLines = glob.stdout.trim().split('\n');
  assert.equal(textLines.length, Math.floor(pngs.length / 2) + 1, 'one line per image, then the summary');
  assert.ok(
    textLines.slice(0, -1).every((l) => /nested.*\.png: \d \(\d+\.\d%\)$/.test(l)),
    glob.stdout,
  );
});

// A real pseudo-terminal through util-linux `script`: the progress bar redraws with escape codes on a
// terminal, and must not with TERM=dumb or NO_COLOR.
const hasScript = spawnSync('script', ['--version']).status === 0;
test(
  'on a terminal the progress redraws; TERM=dumb and NO_COLOR get plain lines',
  { skip: !hasScript && 'no `script` command' },
  () => {
    const quoted = [process.execPath, CLI, ...TINY_TRAIN].map((a) => `'${a}'`).join(' ');
    const onTerminal = (env: NodeJS.ProcessEnv) => {
      const r = spawnSync('script', ['-qec', quoted, '/dev/null'], {
        encoding: 'utf8',
        cwd: work,
        env,
        timeout: 300_000,
      });
      assert.equal(r.status, EXIT.ok, r.stdout);
      // The training's line once it ends (live lines, on a real terminal, are redrawn over).
      assert.match(r.stdout, /training: \d+ epochs?, /);
      return r.stdout;
    };
    const ESC = '\u001b';
    assert.ok(onTerminal({ ...ENV, TERM: 'xterm' }).includes(`${ESC}[`), 'a real terminal gets the redrawn bar');
    assert.ok(!onTerminal({ ...ENV, TERM: 'dumb' }).includes(ESC));
    assert.ok(!onTerminal({ ...ENV, TERM: 'xterm', NO_COLOR: '1' }).includes(ESC));
  },
);
