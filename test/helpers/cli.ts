// The built CLI as the integration tests run it: in a work folder, with a cache of its own, on WASM.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { nodeChildEnv } from '../../src/shared/privateEnv';
import { DIST } from './fixtures';

/** Another build can be measured with the same cases (how the numbers "before" in the notes were taken). */
export const CLI = path.join(process.env.TRANSFER_STUDIO_TEST_DIST ?? DIST, 'cli.js');

export function cliEnv(work: string, env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return nodeChildEnv(process.env, {
    TRANSFER_STUDIO_CACHE: path.join(work, 'cache'),
    TRANSFER_STUDIO_BACKEND: 'wasm',
    ...env,
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its end in `work`; the timeout only keeps a hang from stalling the suite. */
export function cliSync(work: string, args: string[], env = cliEnv(work)): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: work, env, timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The quickest real training: a small CNN from scratch on 28×28 grey digits. */
export const tinySource = (epochs: number): string[] => [
  '--source',
  '--input-size',
  '28',
  '--channels',
  '1',
  '--epochs',
  String(epochs),
];

export interface JsonLine {
  type: string;
  result?: unknown;
  message?: string;
  [key: string]: unknown;
}

/** Every line of a `--json` run's stdout. */
export const jsonLines = (out: string): JsonLine[] =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JsonLine);
