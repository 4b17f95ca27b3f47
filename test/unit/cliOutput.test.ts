// The CLI's way of speaking: one line per ended phase when piped, a redrawn line on a terminal, details only
// with --verbose, tables within 100 columns, one short line about what runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProgressEvent } from '../../src/shared/engineTypes';
import type { EpochMetrics } from '../../src/shared/evaluationTypes';
import { table, TABLE_WIDTH, whatRuns, wrap } from '../../src/cli/format';
import { ProgressView, type OutputMode } from '../../src/cli/progressView';

const metrics = (epoch: number, valLoss: number, phase: 1 | 2 = 1): EpochMetrics => ({
  phase,
  epoch,
  loss: 0.5,
  accuracy: 0.8,
  valLoss,
  valAccuracy: 1 - valLoss,
  seconds: 0.1,
});
const epoch = (n: number, valLoss: number, phase: 1 | 2 = 1): ProgressEvent => ({
  kind: 'epoch',
  model: 'transfer',
  metrics: metrics(n, valLoss, phase),
  epochs: 300,
  checkpoint: '',
});
const batch = (n: number): ProgressEvent => ({
  kind: 'batch',
  model: 'transfer',
  phase: 1,
  epoch: n,
  epochs: 300,
  batch: 1,
  batches: 2,
  loss: 0.4,
  accuracy: 0.9,
  imagesPerSec: 100,
  etaSeconds: 3,
});

/** A run as the trainer reports it: scan, base, features, a head of 40 epochs, a second try, a fine-tuning. */
function run(): ProgressEvent[] {
  const events: ProgressEvent[] = [
    { kind: 'stage', stage: 'scanning', message: '/data' },
    { kind: 'log', level: 'info', message: '3 classes; backend wasm + 12 kernels (a very long list)' },
    { kind: 'stage', stage: 'loading-base', message: 'mobilenet_v2' },
    { kind: 'stage', stage: 'caching-features', done: 0, total: 90, message: '0 cached, 90 to compute' },
    { kind: 'stage', stage: 'caching-features', done: 90, total: 90 },
    { kind: 'stage', stage: 'training' },
  ];
  for (let i = 1; i <= 40; i++) events.push(batch(i), epoch(i, 1 / i));
  events.push({ kind: 'log', level: 'warn', message: 'two classes look alike' });
  for (let i = 1; i <= 5; i++) events.push(epoch(i, 0.5));
  for (let i = 1; i <= 3; i++) events.push(epoch(i, 0.1, 2));
  events.push({ kind: 'stage', stage: 'saving', message: '/runs/r1' });
  return events;
}

function show(mode: OutputMode, verbose = false) {
  let err = '';
  let out = '';
  let clock = 0;
  const view = new ProgressView(mode, verbose, {
    out: (s) => (out += s),
    err: (s) => (err += s),
    now: () => (clock += 100),
    columns: 80,
  });
  view.say('backend wasm (SIMD) · 2 threads · frozen part on ONNX Runtime');
  for (const e of run()) view.event(e);
  view.result({ ok: true }, 'Run saved to /runs/r1');
  return { err, out };
}

test('piped: one line per ended phase, the warning, no epoch lines and no info logs', () => {
  const { err, out } = show('plain');
  const lines = err.trimEnd().split('\n');
  assert.deepEqual(
    lines.map((l) => l.split(/[:·]/)[0].trim()),
    ['backend wasm (SIMD)', 'scanned', 'loaded base', 'features', 'warning', 'head', 'head', 'fine-tuning', 'saved'],
  );
  assert.match(lines[5], /^head: 40 epochs, best at epoch 40: val acc 97\.5%/);
  assert.match(lines[3], /^features: 90\/90/);
  assert.ok(!err.includes('\r'), 'nothing is redrawn when piped');
  assert.ok(!err.includes('kernels'), 'info logs wait for --verbose');
  assert.equal(out, 'Run saved to /runs/r1\n');
});

test('terminal: the same phase lines, and a live line redrawn in place that never outgrows the terminal', () => {
  const plain = show('plain').err;
  const { err } = show('tty');
  const kept = err
    .split('\n')
    .map((l) => l.split('\r\x1b[2K').pop())
    .join('\n');
  assert.equal(kept, plain, 'once redrawn lines are cleared, the terminal keeps what a pipe gets');
  const live = err.split('\r\x1b[2K').filter((s) => s && !s.includes('\n'));
  assert.ok(live.some((s) => s.startsWith('head: epoch 3/300 [')));
  assert.ok(live.every((s) => s.length < 80));
});

test('--verbose: every epoch and info log as well', () => {
  const { err } = show('plain', true);
  assert.equal(err.split('\n').filter((l) => /^(phase 2 )?epoch \d+/.test(l)).length, 48);
  assert.ok(err.includes('kernels'));
});

test('--json: events and the result on stdout, nothing on stderr', () => {
  const { err, out } = show('json');
  assert.equal(err, '');
  const types = out
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { type: string }).type);
  assert.equal(types.pop(), 'result');
  assert.ok(types.every((t) => t === 'progress'));
});

test('tables wrap their widest text column to fit 100 columns; numbers stay right-aligned', () => {
  const why = 'validation accuracy 0.889, loss 0.170 beats the head before it; replaced by "fine-tune", better';
  const text = table(
    ['trial', 'outcome', 'epochs', 'val acc', 'why'],
    [
      ['wider head', 'not kept', 39, '88.9%', why.repeat(2)],
      ['fine-tune + augmentation', 'skipped', 0, '–', 'estimated 145 s for 3 epochs'],
    ],
  );
  const lines = text.split('\n');
  assert.ok(
    lines.every((l) => l.length <= TABLE_WIDTH),
    lines.map((l) => l.length).join(','),
  );
  assert.ok(lines.length > 4, 'the long reason took several lines');
  assert.equal(lines.join(' ').replace(/\s+/g, ' ').includes('beats the head before it;'), true);
  assert.match(lines[2], /\s39\s+88\.9%\s/);
  assert.deepEqual(wrap('a bb ccc', 4), ['a bb', 'ccc']);
  assert.deepEqual(wrap('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
});

test('what runs: one short line; the kernel list only when verbose', () => {
  const b = {
    name: 'wasm' as const,
    detail: `wasm (SIMD, 1 thread) + ${'a kernel, '.repeat(50)}`,
    borrowedKernels: [],
    threads: 2,
    frozenPart: 'onnxruntime' as const,
  };
  assert.equal(whatRuns(b), 'backend wasm (SIMD) · 2 threads · frozen part on ONNX Runtime');
  assert.equal(
    whatRuns({ ...b, frozenPart: 'tfjs', threads: 1 }),
    'backend wasm (SIMD) · 1 thread · frozen part on wasm',
  );
  assert.ok(whatRuns(b, true).includes('a kernel'));
});

test('a training without a base (a CNN from scratch) is "training", not "head"; all cached is said so', () => {
  let err = '';
  const view = new ProgressView('plain', false, { out: () => undefined, err: (s) => (err += s), now: () => 0 });
  view.event({ kind: 'stage', stage: 'scanning', message: '/digits' });
  view.event({ kind: 'stage', stage: 'caching-features', done: 0, total: 0, message: '90 cached, 0 to compute' });
  view.event({ kind: 'stage', stage: 'training' });
  view.event(epoch(1, 0.5));
  view.say('── next');
  view.result({}, '');
  assert.match(err, /^training: 1 epoch[^\n]*\n── next\n$/m);
  assert.match(err, /^training: 1 epoch, best at epoch 1: val acc 50\.0% · 0\.0 s$/m);
  assert.match(err, /^features: 90 cached, 0 to compute · /m);
});
