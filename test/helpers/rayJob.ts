// Driving a Ray run through the built CLI and watching the job's own lines in its log, for the Ray tests.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseRayLine, RAY_LINE_MARKER, type RayJobLine } from '../../src/shared/rayProtocol';
import { DIST } from './fixtures';
import { copyDigits } from './smallData';

/** A job line of one type. */
export type JobLine<T extends RayJobLine['type']> = Extract<RayJobLine, { type: T }>;

/** The lines of one type among `lines`. */
export function ofType<T extends RayJobLine['type']>(lines: RayJobLine[], type: T): JobLine<T>[] {
  return lines.filter((l): l is JobLine<T> => l.type === type);
}

/** A recipe over 3 classes of 12 digits in `work`, with the given extra lines. */
export function rayRecipe(work: string, name: string, lines: string[]): string {
  copyDigits(path.join(work, 'data'), ['0', '1', '2'], 12);
  const file = path.join(work, `${name}.recipe.yaml`);
  const common = ['data: data', 'base: mobilenet_v2', 'batchSize: 8', 'learningRate: 0.001'];
  // A line of the caller's replaces the default split of the same field (a recipe holds each field once).
  const given = new Set(lines.map((l) => l.split(':')[0]));
  const splits = ['validationSplit: 0.25', 'testSplit: 0.25', 'seed: 7'].filter((l) => !given.has(l.split(':')[0]));
  fs.writeFileSync(file, [...common, ...splits, ...lines, ''].join('\n'));
  return file;
}

/** The job's lines in a job log, each once (Ray may forward a worker's line twice). */
export function readJobLog(file: string): RayJobLine[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  return [...new Set(lines.map((l) => l.slice(l.indexOf(RAY_LINE_MARKER))))]
    .map(parseRayLine)
    .filter((l): l is RayJobLine => l !== undefined);
}

/** The job's lines so far, each once, read from its log (the only run under `runs` of that recipe). */
export function jobLines(runs: string): RayJobLine[] {
  const dirs = fs.existsSync(runs) ? fs.readdirSync(runs) : [];
  const log = dirs.length === 1 ? path.join(runs, dirs[0], 'ray', 'job.log') : '';
  return log && fs.existsSync(log) ? readJobLog(log) : [];
}

export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A `train --json` run of the built CLI in the background, with what it said for failure messages. */
export function startTraining(work: string, env: NodeJS.ProcessEnv, args: string[], runs: string) {
  const child = spawn(process.execPath, [path.join(DIST, 'cli.js'), 'train', ...args, '--json'], {
    cwd: work,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let ended = false;
  const exit = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      ended = true;
      resolve(code);
    }),
  );
  // What the driver said last, and the job's own error lines, for a failure message worth reading.
  const why = () =>
    [
      ...stdout.trim().split('\n').slice(-3),
      stderr.slice(-500),
      ...ofType(jobLines(runs), 'error').map((l) => JSON.stringify(l)),
    ].join('\n');
  /** Waits for `probe` to find something in the job's progress (no clock: the run's own lines decide). */
  async function until<T>(what: string, probe: () => T | undefined): Promise<T> {
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (ended) throw new Error(`the run ended before ${what}: ${why()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const output = () =>
    stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; message?: string; result?: unknown });
  return { child, exit, why, until, output };
}
