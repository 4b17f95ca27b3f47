// strace on the extension host of a sandbox, so the trainer it forks is traced from its first call; afterwards
// the trainer's subtree (its threads and children) is judged like a CLI command of the no-stray-writes test
// (test/helpers/traceCli.ts reads the trace: one reader for both suites).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from './runChecks.mjs';

const root = path.resolve(import.meta.dirname, '../../..');
const traceCli = (...args) =>
  execFileSync(process.execPath, ['--import', 'tsx', 'test/helpers/traceCli.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });

/** The extension host of the sandbox whose HOME is `home` (code-server starts one per browser connection). */
export function extensionHostPid(home) {
  const read = (pid, f) => {
    try {
      return fs.readFileSync(`/proc/${pid}/${f}`, 'utf8');
    } catch {
      return '';
    }
  };
  const pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  return pids.find(
    (p) => read(p, 'cmdline').includes('extensionHost') && read(p, 'environ').split('\0').includes(`HOME=${home}`),
  );
}

/** Attaches strace to `pid` and follows every process it starts from now on; resolves once attached. */
export async function traceFrom(pid, prefix) {
  const args = JSON.parse(traceCli('args'));
  const child = spawn('strace', [...args, '-o', prefix, '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
  const dir = path.dirname(prefix);
  await waitFor(() => child.exitCode !== null || fs.readdirSync(dir).some((f) => f.startsWith(path.basename(prefix))), {
    timeout: 15_000,
    what: 'strace to attach to the extension host',
  });
  if (child.exitCode !== null) throw new Error(`strace -p ${pid} exited: ${stderr.trim()}`);
  return {
    /** Detaches (the extension host runs on) and judges the subtree of the process whose argv matched. */
    async judge(argv, home, allowed) {
      child.kill('SIGINT');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      return JSON.parse(traceCli('judge', prefix, argv, home, ...allowed));
    },
  };
}
