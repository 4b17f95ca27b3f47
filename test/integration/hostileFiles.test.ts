// Hostile files and folders through the CLI binary: folders the user cannot read (run as an unprivileged
// user, since root reads everything), names that are not UTF-8, symbolic links out of a class and hard
// links across classes, FIFOs, SVGs, cut or edited run files, data sets that cannot learn, flags out of
// range, a download that stalls. Each case checks the one-line message and what is left on disk.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fixture, tempDir } from '../helpers/fixtures';
import { tinySource } from '../helpers/cli';
import { cliIn, hostileServer, jsonResult, shareWith, type CliRun } from '../helpers/hostileInputs';
import { copyDigits } from '../helpers/smallData';

const work = tempDir('hostile');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const cli = cliIn(work, { TRANSFER_STUDIO_DOWNLOAD_TIMEOUT_MS: '1500' });
const SOURCE = [...tinySource(2), '--batch-size', '8', '--patience', '0', '--json'];
const NOBODY = 65534;

interface Scan {
  classes: { name: string; files: string[] }[];
  skipped: { path: string; reason: string }[];
}

const errorOf = (r: CliRun) => jsonResult(r.stdout)?.message ?? r.stderr.trim();
const reasons = (scan: Scan) => Object.fromEntries(scan.skipped.map((s) => [path.relative(work, s.path), s.reason]));

/** Exit 1 (2 for a bad flag value: a usage error), one line, our words (not "Internal error"), and no hang. */
function refused(r: CliRun, expected: RegExp | string, code = 1): void {
  assert.equal(r.hung, false, 'the command returned');
  assert.equal(r.code, code, `exit code; output: ${r.stdout}${r.stderr}`);
  const message = errorOf(r);
  assert.doesNotMatch(message, /Internal error|\n/);
  if (typeof expected === 'string') assert.equal(message, expected);
  else assert.match(message, expected);
}

/** predict's contract: exit 1, no hang, and the image's own line gives the reason (the same words as scan's). */
function unreadable(r: CliRun, file: string, reason: string): void {
  assert.equal(r.hung, false, 'the command returned');
  assert.equal(r.code, 1, `exit code; output: ${r.stdout}${r.stderr}`);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; path?: string; error?: string });
  assert.deepEqual(
    lines.filter((l) => l.type === 'prediction'),
    [{ type: 'prediction', path: file, error: reason }],
  );
  assert.deepEqual(jsonResult(r.stdout)?.result, { images: 1, predicted: 0, failed: 1 });
}

let runDir = '';
before(async () => {
  const trained = await cli.run([
    'train',
    copyDigits(path.join(work, 'base-data'), ['0', '1'], 8),
    ...SOURCE,
    '--out',
    'runs',
  ]);
  assert.equal(trained.code, 0, trained.stderr);
  runDir = jsonResult<{ runDir: string }>(trained.stdout)!.result!.runDir;
});

function canRunAsNobody(): string | undefined {
  if (process.getuid?.() !== 0)
    return 'not running as root: the current user is already unprivileged, and cannot switch to another';
  try {
    execFileSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'true']);
    return undefined;
  } catch {
    return 'setpriv cannot switch to the user nobody here';
  }
}

test(
  'as an unprivileged user: an unreadable lost+found and subfolder, and names that are not UTF-8, are skipped with reasons; training uses the rest',
  { skip: canRunAsNobody() },
  async () => {
    const usb = copyDigits(path.join(work, 'usb'), ['0', '1'], 6);
    fs.mkdirSync(path.join(usb, 'lost+found'));
    fs.writeFileSync(path.join(usb, 'lost+found', '#1234'), 'x');
    copyDigits(path.join(usb, '1', 'private'), ['1'], 2);
    shareWith(work, NOBODY);
    // Latin-1 names as old zip archives leave them (created after shareWith, which walks names as UTF-8).
    fs.mkdirSync(Buffer.from(path.join(usb, 'caf\xe9'), 'latin1'));
    fs.copyFileSync(
      path.join(usb, '0', fs.readdirSync(path.join(usb, '0'))[0]),
      Buffer.from(path.join(usb, '0', 'd\xe9j\xe0.png'), 'latin1'),
    );
    fs.chownSync(work, 0, 0);
    fs.chmodSync(path.join(usb, 'lost+found'), 0o700);
    fs.chownSync(path.join(usb, 'lost+found'), 0, 0);
    fs.chmodSync(path.join(usb, '1', 'private'), 0o700);
    fs.chownSync(path.join(usb, '1', 'private'), 0, 0);
    const out = path.join(work, 'nobody-runs');
    fs.mkdirSync(out);
    fs.chownSync(out, NOBODY, NOBODY);
    const env = ['--cache', path.join(out, 'cache')];

    const scanned = await cli.run(['scan', usb, '--json', ...env], { asUser: NOBODY });
    assert.equal(scanned.code, 0, errorOf(scanned));
    const scan = jsonResult<Scan>(scanned.stdout)!.result!;
    assert.deepEqual(
      scan.classes.map((c) => [c.name, c.files.length]),
      [
        ['0', 6],
        ['1', 6],
      ],
    );
    const why = reasons(scan);
    assert.equal(why['usb/lost+found'], 'folder cannot be read (permission denied); left out');
    assert.equal(why['usb/1/private'], 'folder cannot be read (permission denied); left out');
    assert.equal(why['usb/caf\ufffd'], 'name is not valid UTF-8 (bytes 636166e9); rename it to use it');
    assert.equal(
      why['usb/0/d\ufffdj\ufffd.png'],
      'name is not valid UTF-8 (bytes 64e96ae02e706e67); rename it to use it',
    );

    const trained = await cli.run(['train', usb, ...SOURCE, '--out', out, ...env], { asUser: NOBODY });
    assert.equal(trained.code, 0, errorOf(trained));
    assert.deepEqual(jsonResult<{ classes: string[] }>(trained.stdout)!.result!.classes, ['0', '1']);
  },
);

test('links: none is followed out of its class folder, a loop is cut, and a file under two labels is in neither', async () => {
  const dir = copyDigits(path.join(work, 'links'), ['0', '1'], 6);
  const [b1, b2] = fs.readdirSync(path.join(dir, '1')).sort();
  fs.symlinkSync(path.join('..', '1', b1), path.join(dir, '0', 'escape.png'));
  fs.symlinkSync(path.join('..', '1'), path.join(dir, '0', 'other-class'));
  fs.symlinkSync('.', path.join(dir, '0', 'loop'));
  fs.linkSync(path.join(dir, '1', b2), path.join(dir, '0', 'twin.png'));
  const r = await cli.run(['scan', dir, '--json']);
  assert.equal(r.code, 0, errorOf(r));
  const scan = jsonResult<Scan>(r.stdout)!.result!;
  assert.deepEqual(
    scan.classes.map((c) => [c.name, c.files.length]),
    [
      ['0', 6],
      ['1', 5],
    ],
  );
  const why = reasons(scan);
  assert.equal(
    why['links/0/escape.png'],
    `symbolic link to ${fs.realpathSync(path.join(dir, '1', b1))}, outside its class folder: not followed`,
  );
  assert.equal(
    why['links/0/other-class'],
    `symbolic link to ${fs.realpathSync(path.join(dir, '1'))}, outside its class folder: not followed`,
  );
  assert.equal(why['links/0/loop'], 'folder already scanned (symlink loop)');
  assert.equal(why['links/0/twin.png'], 'the same file is in the classes "0" and "1": its label is ambiguous');
  assert.equal(why[`links/1/${b2}`], 'the same file is in the classes "0" and "1": its label is ambiguous');
  const inodes = (c: Scan['classes'][number]) => new Set(c.files.map((f) => fs.statSync(f).ino));
  const [zero, one] = scan.classes.map(inodes);
  assert.equal([...zero].filter((i) => one.has(i)).length, 0, 'no file under two labels');
});

test('a FIFO is refused by predict, layers, train --recipe and scan without blocking', async () => {
  const fifo = path.join(work, 'fifo.png');
  execFileSync('mkfifo', [fifo]);
  unreadable(
    await cli.run(['predict', runDir, fifo, '--json'], { safetyMs: 60_000 }),
    fifo,
    'a named pipe (FIFO), not a regular file',
  );
  fs.mkdirSync(path.join(work, 'fifo-model'));
  execFileSync('mkfifo', [path.join(work, 'fifo-model', 'model.json')]);
  refused(
    await cli.run(['layers', path.join(work, 'fifo-model'), '--json'], { safetyMs: 60_000 }),
    `Cannot read model ${path.join(work, 'fifo-model', 'model.json')}: a named pipe (FIFO), not a regular file.`,
  );
  execFileSync('mkfifo', [path.join(work, 'fifo.recipe.yaml')]);
  refused(
    await cli.run(['train', '--recipe', path.join(work, 'fifo.recipe.yaml'), '--json'], { safetyMs: 60_000 }),
    `Cannot read recipe ${path.join(work, 'fifo.recipe.yaml')}: not a regular file.`,
  );
  const data = copyDigits(path.join(work, 'with-fifo'), ['0', '1'], 3);
  execFileSync('mkfifo', [path.join(data, '0', 'pipe.png')]);
  const r = await cli.run(['scan', data, '--json'], { safetyMs: 60_000 });
  assert.equal(r.code, 0, errorOf(r));
  assert.equal(
    reasons(jsonResult<Scan>(r.stdout)!.result!)['with-fifo/0/pipe.png'],
    'a named pipe (FIFO), not a regular file',
  );
});

test('an SVG is refused by scan and by predict with the same reason, also when renamed .png', async () => {
  const data = copyDigits(path.join(work, 'svg'), ['0', '1'], 3);
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28"><rect width="28" height="28"/></svg>';
  fs.writeFileSync(path.join(data, '0', 'drawing.svg'), svg);
  fs.writeFileSync(path.join(data, '0', 'drawing.png'), svg);
  const r = await cli.run(['scan', data, '--json']);
  const why = reasons(jsonResult<Scan>(r.stdout)!.result!);
  assert.equal(why['svg/0/drawing.svg'], 'not an image file type (.svg)');
  assert.equal(why['svg/0/drawing.png'], 'unsupported image format (svg)');
  unreadable(
    await cli.run(['predict', runDir, path.join(data, '0', 'drawing.svg'), '--json']),
    path.join(data, '0', 'drawing.svg'),
    'not an image file type (.svg)',
  );
  unreadable(
    await cli.run(['predict', runDir, path.join(data, '0', 'drawing.png'), '--json']),
    path.join(data, '0', 'drawing.png'),
    'unsupported image format (svg)',
  );
});

test('cut or edited run files are refused naming the file and the problem, never as an internal error', async () => {
  const damaged = (name: string, file: string, edit: (text: string) => string) => {
    const copy = path.join(work, `damaged-${name}`);
    fs.cpSync(runDir, copy, { recursive: true });
    const target = path.join(copy, file);
    fs.writeFileSync(target, edit(fs.readFileSync(target, 'utf8')));
    return { dir: copy, file: target };
  };
  const cutRun = damaged('run', 'run.json', (t) => t.slice(0, t.length >> 1));
  refused(
    await cli.run([
      'predict',
      cutRun.dir,
      path.join(work, 'base-data', '0', fs.readdirSync(path.join(work, 'base-data', '0'))[0]),
      '--json',
    ]),
    new RegExp(
      `^Cannot read run file ${cutRun.file}: invalid JSON at character \\d+ \\(the file looks cut short\\)\\.$`,
    ),
  );
  const cutState = damaged('state', 'checkpoint/state.json', (t) => t.slice(0, 20));
  refused(
    await cli.run(['resume', cutState.dir, '--json']),
    new RegExp(
      `^Cannot read checkpoint state ${cutState.file}: invalid JSON at character \\d+ \\(the file looks cut short\\)\\.$`,
    ),
  );
  const badState = damaged('state-shape', 'checkpoint/state.json', (t) =>
    JSON.stringify({ ...JSON.parse(t), history: 7 }),
  );
  refused(
    await cli.run(['resume', badState.dir, '--json']),
    `${badState.file} is damaged: history must be a list of epochs.`,
  );
  const recipe = damaged('recipe', 'recipe.json', (t) => JSON.stringify({ ...JSON.parse(t), epochs: 'ten' }));
  refused(
    await cli.run(['resume', recipe.dir, '--json']),
    `${recipe.file} is damaged: "epochs" must be a number, not string.`,
  );
  const manifest = damaged('manifest', 'model.json', (t) =>
    JSON.stringify({ ...JSON.parse(t), weightsManifest: { paths: 'weights.bin' } }),
  );
  refused(
    await cli.run(['layers', manifest.dir, '--json']),
    `${manifest.file} is not a valid model.json: weightsManifest is not a list.`,
  );
  const shape = damaged('weight-shape', 'model.json', (t) => {
    const json = JSON.parse(t) as { weightsManifest: { weights: { shape: unknown }[] }[] };
    json.weightsManifest[0].weights[0].shape = [3, -1];
    return JSON.stringify(json);
  });
  refused(
    await cli.run(['layers', shape.dir, '--json']),
    new RegExp(
      `^${shape.file} is not a valid model\\.json: weightsManifest\\[0\\]\\.weights\\[0\\] \\(.*\\) has shape \\[3,-1\\], not a list of sizes\\.$`,
    ),
  );

  // A manifest that declares 40 GB of weights is refused from its sizes, before any shard is read.
  const huge = damaged('huge-manifest', 'model.json', (t) => {
    const json = JSON.parse(t) as { weightsManifest: { weights: { shape: unknown }[] }[] };
    json.weightsManifest[0].weights[0].shape = [100_000, 100_000];
    return JSON.stringify(json);
  });
  refused(
    await cli.run(['layers', huge.dir, '--json']),
    `${huge.file} declares 37.3 GiB or more of weights, over the 1 GiB limit (maxModelWeightBytes).`,
  );
});

test('a data set that cannot learn stops before training: no usable images in a class, or none that decodes; nothing is left "finished"', async () => {
  const data = copyDigits(path.join(work, 'unlearnable'), ['0', '1'], 4);
  fs.mkdirSync(path.join(data, 'broken'));
  for (let i = 0; i < 4; i++) fs.writeFileSync(path.join(data, 'broken', `${i}.jpg`), 'not a JPEG at all');
  const out = path.join(work, 'unlearnable-runs');
  refused(
    await cli.run(['train', data, ...SOURCE, '--out', out]),
    `No usable images in class "broken" (0 of 4 files usable); e.g. ${path.join(data, 'broken', '0.jpg')}: not a readable image (the content is no image format we know).`,
  );

  // Valid headers, pixels cut off: the scanner accepts them, the first decode refuses them.
  fs.rmSync(path.join(data, 'broken'), { recursive: true });
  fs.mkdirSync(path.join(data, 'cut'));
  const photo = fs.readFileSync(path.join(fixture('photos'), 'rocket.jpg'));
  for (let i = 0; i < 4; i++) fs.writeFileSync(path.join(data, 'cut', `${i}.jpg`), photo.subarray(0, 4096));
  refused(
    await cli.run(['train', data, ...SOURCE, '--out', out]),
    /^Cannot train: no usable training images in class "cut" \(0 of \d training images decode\); e\.g\. .*\/cut\/\d\.jpg: could not be decoded \(the JPEG data is cut short\)\. Fix or remove those files\.$/,
  );
  assert.deepEqual(fs.existsSync(out) ? fs.readdirSync(out) : [], [], 'no run folder is left behind');

  for (const size of ['0', '100000', '2.5']) {
    refused(
      await cli.run(['train', data, '--source', '--input-size', size, '--out', out, '--json']),
      `--input-size must be a whole number from 1 to 4096 (got ${size}).`,
      2,
    );
  }
  refused(
    await cli.run(['train', data, ...SOURCE, '--channels', '4', '--out', out]),
    /argument '4' is invalid\. Allowed choices are 1, 3\./,
    2,
  );
});

test('a download whose body stalls times out naming the URL and the timeout', async () => {
  const server = await hostileServer();
  try {
    const url = `${server.url}/stall/model.json`;
    refused(
      await cli.run(['layers', url, '--json']),
      `Download of ${url} timed out after 1.5 s; set TRANSFER_STUDIO_DOWNLOAD_TIMEOUT_MS for slow links.`,
    );
  } finally {
    await server.close();
  }
});
