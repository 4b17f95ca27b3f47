// Nothing leaves the machine unasked, and every write is accounted for: each CLI command runs under strace with
// HOME pointed at an empty folder — once with the network there, once in a namespace without one — and may
// change files only in its own folders (below). ONNX Runtime's telemetry, left on in the caller's environment,
// would put a device id and an event store under HOME: the product must turn it off by itself.
// A new command joins with a row of ROWS: its arguments and the folders it may write.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { EXIT } from '../../src/cli/exitCodes';
import type { DoctorReport } from '../../src/shared/doctorTypes';
import type { RunResult } from '../../src/shared/engineTypes';
import type { EpochMetrics } from '../../src/shared/evaluationTypes';
import { jsonLines, tinySource } from '../helpers/cli';
import { fixture, tempDir } from '../helpers/fixtures';
import { copyDigits } from '../helpers/smallData';
import { serveFolder, type StaticServer } from '../helpers/staticServer';
import { bareEnv, formatVerdicts, judge, runTraced, traceUnavailable, type TracedRun } from '../helpers/strayWrites';

/** The folders of one pass; `made` holds what earlier rows produced (run folders by row name). */
interface Workspace {
  cwd: string;
  home: string;
  tmp: string;
  cache: string;
  data: string;
  image: string;
  /** A small CSV of three classes of short texts. */
  texts: string;
  /** A random-weight ONNX sentence encoder (scripts/prepare-fixtures.ts). */
  encoder: string;
  /** The same folder served on 127.0.0.1 (no network namespace of the offline pass reaches it). */
  encoderUrl: string;
  runs: string;
  exports: string;
  trace: string;
  made: Record<string, string>;
}

interface Row {
  name: string;
  /** Arguments after `transfer-studio` (every row also gets `--cache <cache> --json`). */
  args: (w: Workspace) => string[];
  /** Folders the command may change, besides the system temp folder (TMPDIR). */
  writes: (w: Workspace) => string[];
  /** Expected exit code (0 unless said). */
  exit?: number;
  /** Expected exit code in the offline pass, where it differs (a URL it cannot reach). */
  offlineExit?: number;
  /** A stdout line after which the command gets Ctrl+C. */
  interruptWhen?: (line: string) => boolean;
  /** Checks that the command did its job, and remembers what later rows use. */
  check?: (w: Workspace, r: TracedRun) => void;
}

const result = <T>(r: TracedRun) => jsonLines(r.stdout).find((l) => l.type === 'result')?.result as T;
const EPOCHS = ['--epochs', '1', '--test', '0', '--out'];
const exists = (f: string) => assert.ok(fs.existsSync(f), `${f} was not written`);

const ROWS: Row[] = [
  { name: 'scan', args: (w) => ['scan', w.data], writes: () => [] },
  { name: 'layers', args: () => ['layers', 'mobilenet_v2'], writes: (w) => [w.cache] },
  {
    name: 'train (transfer, head only)',
    args: (w) => ['train', w.data, '--second-phase', 'off', ...EPOCHS, w.runs, '--name', 'head'],
    writes: (w) => [w.runs, w.cache],
    check: (w, r) => {
      w.made.head = result<RunResult>(r).runDir;
      // The trace was read: it holds the run folder's files.
      assert.ok(r.trace.changes.some((c) => c.path.startsWith(w.made.head)));
      // The frozen part ran on ONNX Runtime, the library whose telemetry this is about.
      assert.match(r.stdout, /frozen part on onnxruntime-node/);
    },
  },
  {
    name: 'train (transfer + second phase)',
    args: (w) => [
      'train',
      w.data,
      ...['--second-phase-from', 'Conv_1', '--second-phase-epochs', '1', '--batch-size', '8'],
      ...[...EPOCHS, w.runs, '--name', 'second'],
    ],
    writes: (w) => [w.runs, w.cache],
    check: (_, r) => assert.ok(result<RunResult>(r).transfer.history.some((h: EpochMetrics) => h.phase === 2)),
  },
  {
    name: 'train --source (Ctrl+C)',
    args: (w) =>
      ['train', w.data, ...tinySource(4), '--batch-size', '2', '--patience', '0', '--test', '0'].concat([
        '--out',
        w.runs,
        '--name',
        'source',
      ]),
    writes: (w) => [w.runs, w.cache],
    exit: 130,
    interruptWhen: (line) => line.includes('"kind":"epoch"'),
    check: (w, r) => {
      const epoch = jsonLines(r.stdout).find((l) => l.kind === 'epoch') as unknown as { checkpoint: string };
      w.made.source = path.dirname(epoch.checkpoint);
    },
  },
  { name: 'resume', args: (w) => ['resume', w.made.source], writes: (w) => [w.made.source, w.cache] },
  { name: 'evaluate', args: (w) => ['evaluate', w.made.head, w.data], writes: (w) => [w.cache] },
  { name: 'predict', args: (w) => ['predict', w.made.head, w.image], writes: (w) => [w.cache] },
  {
    name: 'embed (default output)',
    args: (w) => ['embed', w.data],
    writes: (w) => [path.join(w.cwd, '.transfer-studio/embeddings/digits'), w.cache],
    check: (w) => exists(path.join(w.cwd, '.transfer-studio/embeddings/digits/embeddings.npy')),
  },
  { name: 'probe', args: (w) => ['probe', w.data, '--bases', 'mobilenet_v2'], writes: (w) => [w.cache] },
  {
    // The data folder stays untouched: findings are suggestions, and the last check is kept in the cache.
    name: 'doctor',
    args: (w) => ['doctor', w.data],
    writes: (w) => [w.cache],
    check: (_, r) => assert.equal(result<DoctorReport>(r).summary.examples, 24),
  },
  {
    name: 'export onnx (--out)',
    args: (w) => ['export', w.made.head, '--format', 'onnx', '--out', path.join(w.exports, 'model.onnx')],
    writes: (w) => [w.exports, w.cache],
    check: (w) => exists(path.join(w.exports, 'model.onnx')),
  },
  {
    name: 'export keras (into the run)',
    args: (w) => ['export', w.made.head, '--format', 'keras'],
    writes: (w) => [w.made.head, w.cache],
    check: (w) => exists(path.join(w.made.head, 'model.keras')),
  },
  {
    name: 'export tfjs (--out)',
    args: (w) => ['export', w.made.head, '--format', 'tfjs', '--out', path.join(w.exports, 'tfjs')],
    writes: (w) => [w.exports, w.cache],
    check: (w) => exists(path.join(w.exports, 'tfjs/model.json')),
  },
  {
    name: 'train (text, glove)',
    args: (w) => ['train', w.texts, '--text-model', 'glove', '--test', '0', '--out', w.runs],
    writes: (w) => [w.runs, w.cache],
    check: (w, r) => void (w.made.text = result<{ runDir: string }>(r).runDir),
  },
  { name: 'probe (text)', args: (w) => ['probe', w.texts], writes: () => [] },
  {
    name: 'export onnx (text run)',
    args: (w) => ['export', w.made.text, '--format', 'onnx', '--out', path.join(w.exports, 'text.onnx')],
    writes: (w) => [w.exports, w.cache],
    check: (w) => exists(path.join(w.exports, 'text.tokenizer.json')),
  },
  {
    name: 'export tfjs (text run)',
    args: (w) => ['export', w.made.text, '--format', 'tfjs', '--out', path.join(w.exports, 'text-tfjs')],
    writes: (w) => [w.exports, w.cache],
    check: (w) => exists(path.join(w.exports, 'text-tfjs/tokenizer.json')),
  },
  {
    name: 'train (text, fused)',
    args: (w) => ['train', w.texts, '--text-model', 'fused', '--test', '0', '--out', w.runs],
    writes: (w) => [w.runs, w.cache],
    check: (w, r) => void (w.made.fused = result<{ runDir: string }>(r).runDir),
  },
  {
    name: 'export onnx (fused text run)',
    args: (w) => ['export', w.made.fused, '--format', 'onnx', '--out', path.join(w.exports, 'fused.onnx')],
    writes: (w) => [w.exports, w.cache],
    check: (w) => exists(path.join(w.exports, 'fused.words.tokenizer.json')),
  },
  {
    name: 'train (text, tuned)',
    args: (w) => ['train', w.texts, '--text-model', 'tuned', '--test', '0', '--out', w.runs],
    writes: (w) => [w.runs, w.cache],
    check: (w, r) => void (w.made.tuned = result<{ runDir: string }>(r).runDir),
  },
  {
    name: 'export keras (tuned text run, into the run)',
    args: (w) => ['export', w.made.tuned, '--format', 'keras'],
    writes: (w) => [w.made.tuned, w.cache],
    check: (w) => exists(path.join(w.made.tuned, 'model.tokenizer.json')),
  },
  {
    name: 'train (text, own ONNX encoder)',
    args: (w) => ['train', w.texts, '--base', w.encoder, '--test', '0', '--out', w.runs],
    writes: (w) => [w.runs, w.cache],
    check: (w, r) => void (w.made.encoder = result<{ runDir: string }>(r).runDir),
  },
  {
    name: 'probe (text, own ONNX encoder)',
    args: (w) => ['probe', w.texts, '--bases', w.encoder],
    writes: (w) => [w.cache],
  },
  {
    name: 'embed (text, GloVe, default output)',
    args: (w) => ['embed', w.texts],
    writes: (w) => [path.join(w.cwd, '.transfer-studio/embeddings/texts')],
    check: (w) => exists(path.join(w.cwd, '.transfer-studio/embeddings/texts/embeddings.npy')),
  },
  {
    name: 'embed (text, own ONNX encoder)',
    args: (w) => ['embed', w.texts, '--base', w.encoder, '--out', path.join(w.exports, 'text-embeddings')],
    writes: (w) => [w.exports, w.cache],
    check: (w) => exists(path.join(w.exports, 'text-embeddings/embeddings.csv')),
  },
  {
    // Downloaded into the cache once; offline, one line naming the URL, and nothing written.
    name: 'probe (text, ONNX encoder by URL)',
    args: (w) => ['probe', w.texts, '--bases', `${w.encoderUrl}/`],
    writes: (w) => [w.cache],
    offlineExit: EXIT.failed,
    check: (w, r) => {
      const error = jsonLines(r.stdout).find((l) => l.type === 'error');
      if (r.code !== 0) assert.ok(String(error?.message).includes(w.encoderUrl), r.stdout);
      else assert.ok(fs.readdirSync(path.join(w.cache, 'models')).length > 0, 'the encoder was downloaded');
    },
  },
  {
    name: 'evaluate (text, encoder run)',
    args: (w) => ['evaluate', w.made.encoder, w.texts],
    writes: (w) => [w.cache],
  },
  {
    name: 'predict (text, encoder run)',
    args: (w) => ['predict', w.made.encoder, '--text', 'rain and snow'],
    writes: () => [],
  },
];

const unavailable = traceUnavailable();
if (unavailable && process.env.CI) throw new Error(`CI must run the no-stray-writes test: ${unavailable}`);
const root = tempDir('stray');
let served: StaticServer | undefined;
before(async () => void (served = await serveFolder(fixture('text-encoders/tiny'))));
after(async () => {
  await served?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

function workspace(pass: string): Workspace {
  const dir = path.join(root, pass);
  const w = (...p: string[]) => path.join(dir, ...p);
  for (const d of ['home', 'tmp', 'work', 'trace']) fs.mkdirSync(w(d), { recursive: true });
  // Three digit classes of eight images: every command has real images to read, and little to compute.
  const data = copyDigits(w('digits'), ['0', '1', '2'], 8);
  const image = path.join(data, '1', fs.readdirSync(path.join(data, '1'))[0]);
  const texts = w('texts.csv');
  fs.writeFileSync(texts, smallTextTable());
  return {
    ...{ cwd: w('work'), home: w('home'), tmp: w('tmp'), cache: w('cache'), data, image, texts },
    ...{ runs: w('runs'), exports: w('exports'), trace: w('trace'), made: {}, encoder: fixture('text-encoders/tiny') },
    encoderUrl: served!.url,
  };
}

/** Three classes of ten short texts each: enough for a split, little to compute. */
function smallTextTable(): string {
  const topics = {
    weather: ['rain', 'wind', 'storm', 'sunshine', 'snow'],
    sport: ['football', 'tennis', 'goal', 'match', 'team'],
    food: ['bread', 'cheese', 'soup', 'apple', 'dinner'],
  };
  const rows = Object.entries(topics).flatMap(([label, words]) =>
    Array.from({ length: 10 }, (_, i) => `"${words[i % 5]} and ${words[(i + 2) % 5]} number ${i}",${label}`),
  );
  return ['text,label', ...rows].join('\n');
}

async function runTable(t: TestContext, pass: string, offline: boolean): Promise<void> {
  const w = workspace(pass);
  const env = bareEnv(w.home, w.tmp);
  const rows = [];
  for (const [i, row] of ROWS.entries()) {
    const tracePrefix = path.join(w.trace, String(i));
    const { interruptWhen } = row;
    const started = performance.now();
    const r = await runTraced([...row.args(w), '--cache', w.cache, '--json'], {
      ...{ cwd: w.cwd, env, offline, tracePrefix, interruptWhen },
    });
    const exit = (offline ? row.offlineExit : undefined) ?? row.exit ?? 0;
    assert.equal(r.code, exit, `${row.name}: ${r.stderr.slice(-2000)} ${r.stdout.slice(-500)}`);
    row.check?.(w, r);
    const seconds = (performance.now() - started) / 1000;
    const verdict = judge(r.trace, [...row.writes(w), w.tmp], w.home);
    rows.push({ name: row.name, code: r.code, seconds, verdict });
    // HOME starts empty for every row, so what is found there belongs to this one.
    for (const f of fs.readdirSync(w.home)) fs.rmSync(path.join(w.home, f), { recursive: true, force: true });
  }
  const table = formatVerdicts(`${pass}: changes outside each command's folders, under HOME, and connections`, rows);
  for (const l of table.split('\n')) t.diagnostic(l);
  const bad = rows.filter((r) => r.verdict.outside.length + r.verdict.underHome.length + r.verdict.remote.length);
  assert.deepEqual(
    bad.map((r) => r.name),
    [],
    table,
  );
}

// The two passes run side by side: each row is mostly one core's work, and CI has two.
describe('no stray writes', { concurrency: 2 }, () => {
  test(
    'each command writes only its own folders, nothing under HOME, and connects nowhere',
    { skip: unavailable },
    (t) => runTable(t, 'network', false),
  );
  test('the same without a network (unshare -n): every command still works offline', { skip: unavailable }, (t) =>
    runTable(t, 'offline', true),
  );
});
