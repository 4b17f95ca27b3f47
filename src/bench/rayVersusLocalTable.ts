// The rows of rayVersusLocal.ts and the side-by-side table they print: one column per run, in the order run.
import type { RunResult } from '../shared/engineTypes';
import type { EpochMetrics } from '../shared/evaluationTypes';
import { quantile } from '../shared/stats';

/** One run of the comparison job, as measured. */
export interface ComparisonRow {
  side: 'local' | 'ray';
  /** One-minute load average when the run started and when it ended. */
  load: number;
  loadAfter: number;
  wall: number;
  timings: { startup: number; features: number; training: number; evaluation: number };
  /** Median seconds of an epoch after each phase's first (the first carries warm-up). */
  headEpoch: number;
  topEpoch: number;
  epochs: { head: number; top: number };
  testAccuracy: number;
  testCount: number;
  /** Test images per class, so the sides can be seen to hold out the same split. */
  testPerClass: number[];
  /** What the cluster's cache did per cut (Ray runs): values computed, values read back. */
  cache: { layer: string; computed: number; cached: number }[];
}

/** The steady-state epoch: the median of a phase's epochs after its first. */
export function steadyEpoch(history: EpochMetrics[], phase: 1 | 2): number {
  const epochs = history.filter((h) => h.phase === phase).map((h) => h.seconds);
  return quantile(epochs.length > 1 ? epochs.slice(1) : epochs, 0.5);
}

export function runRow(
  side: ComparisonRow['side'],
  result: RunResult,
  measured: Pick<ComparisonRow, 'wall' | 'load' | 'loadAfter' | 'cache'>,
): ComparisonRow {
  const { history, evaluation, evaluatedOn } = result.transfer;
  if (evaluatedOn !== 'test') throw new Error(`the ${side} run evaluated on ${evaluatedOn}, not a test split`);
  if (!result.timings) throw new Error(`the ${side} run reported no timings`);
  return {
    side,
    ...measured,
    timings: result.timings,
    headEpoch: steadyEpoch(history, 1),
    topEpoch: steadyEpoch(history, 2),
    epochs: { head: history.filter((h) => h.phase === 1).length, top: history.filter((h) => h.phase === 2).length },
    testAccuracy: evaluation.accuracy,
    testCount: evaluation.count,
    testPerClass: evaluation.perClass.map((c) => c.support),
  };
}

const s = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} s` : '–');
const s2 = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)} s` : '–');
const times = (x: number, local: number) => (Number.isFinite(x / local) ? ` (${(x / local).toFixed(2)}×)` : '');

function cacheCell(cache: ComparisonRow['cache']): string {
  if (cache.length === 0) return '–';
  const sum = (k: 'computed' | 'cached') => cache.reduce((n, c) => n + c[k], 0).toLocaleString('en-US');
  return `${sum('computed')}, ${sum('cached')} (${cache.length} cuts)`;
}

/** The rows side by side (markdown), each Ray epoch also as a multiple of the local one. */
export function rayVersusLocalTable(rows: ComparisonRow[]): string {
  const local = rows.find((r) => r.side === 'local');
  let rayCount = 0;
  const names = rows.map((r) =>
    r.side === 'local' ? 'local' : ++rayCount === 1 ? 'Ray, 2 workers' : 'Ray, warm cache',
  );
  const sameTest = rows.every((r) => r.testPerClass.join() === rows[0].testPerClass.join());
  const vsLocal = (pick: (r: ComparisonRow) => number) => (r: ComparisonRow) =>
    `${s2(pick(r))}${r.side === 'ray' && local ? times(pick(r), pick(local)) : ''}`;
  const lines: [string, (r: ComparisonRow) => string][] = [
    ['load (1 min) at start → end', (r) => `${r.load.toFixed(1)} → ${r.loadAfter.toFixed(1)}`],
    ['start-up', (r) => s(r.timings.startup)],
    ['features (decode + frozen part)', (r) => s(r.timings.features)],
    ['training', (r) => s(r.timings.training)],
    ['evaluation', (r) => s(r.timings.evaluation)],
    ['wall clock', (r) => s(r.wall)],
    ['head epoch, steady (median after the 1st)', vsLocal((r) => r.headEpoch)],
    ['second-phase epoch, steady', vsLocal((r) => r.topEpoch)],
    ['epochs (head + second phase)', (r) => `${r.epochs.head} + ${r.epochs.top}`],
    ['test accuracy', (r) => `${(100 * r.testAccuracy).toFixed(1)} % of ${r.testCount}`],
    ['cluster cache: values computed, read', (r) => cacheCell(r.cache)],
  ];
  const head = `| | ${names.join(' | ')} |\n|---|${rows.map(() => '---').join('|')}|`;
  const body = lines.map(([label, cell]) => `| ${label} | ${rows.map(cell).join(' | ')} |`).join('\n');
  return `${head}\n${body}\n${sameTest ? '' : '\nThe runs held out different test images per class.\n'}`;
}
