// Runs a command inside a memory cgroup (so a bomb that gets past our bounds is killed by the kernel, not the
// machine) and samples the resident memory of its whole process tree. An address-space limit (ulimit -v)
// would not do: the WASM backend reserves far more virtual memory than it ever touches.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface Measured {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Largest sum of VmRSS over the processes of the cgroup, sampled every 20 ms. */
  peakRss: number;
  /** The kernel's own high-water mark of the cgroup (page cache included), when it keeps one. */
  cgroupPeak?: number;
  /** The safety timeout fired (a hang): the tree was killed. */
  hung: boolean;
}

interface Cgroup {
  dir: string;
  procs: string;
  peakFile?: string;
  setLimit(bytes: number): void;
}

let counter = 0;

/** A fresh memory cgroup (v2 if the unified hierarchy has the memory controller, else v1), or why none can be made. */
export function memoryCgroup(): Cgroup | string {
  const name = `transfer-studio-test-${process.pid}-${counter++}`;
  const v2 = '/sys/fs/cgroup';
  try {
    if (
      fs.existsSync(path.join(v2, 'cgroup.controllers')) &&
      fs.readFileSync(path.join(v2, 'cgroup.controllers'), 'utf8').includes('memory')
    ) {
      const dir = path.join(v2, name);
      if (!fs.readFileSync(path.join(v2, 'cgroup.subtree_control'), 'utf8').includes('memory'))
        tryWrite(path.join(v2, 'cgroup.subtree_control'), '+memory');
      fs.mkdirSync(dir);
      if (!fs.existsSync(path.join(dir, 'memory.max'))) {
        fs.rmdirSync(dir);
        return 'the cgroup v2 memory controller cannot be enabled for child groups here';
      }
      return {
        dir,
        procs: path.join(dir, 'cgroup.procs'),
        peakFile: fs.existsSync(path.join(dir, 'memory.peak')) ? path.join(dir, 'memory.peak') : undefined,
        setLimit: (b) => {
          fs.writeFileSync(path.join(dir, 'memory.max'), String(b));
          tryWrite(path.join(dir, 'memory.swap.max'), '0');
        },
      };
    }
    const v1 = path.join(v2, 'memory');
    if (fs.existsSync(path.join(v1, 'memory.limit_in_bytes'))) {
      const dir = path.join(v1, name);
      fs.mkdirSync(dir);
      return {
        dir,
        procs: path.join(dir, 'cgroup.procs'),
        peakFile: path.join(dir, 'memory.max_usage_in_bytes'),
        setLimit: (b) => {
          fs.writeFileSync(path.join(dir, 'memory.limit_in_bytes'), String(b));
          tryWrite(path.join(dir, 'memory.memsw.limit_in_bytes'), String(b));
        },
      };
    }
    return 'no memory cgroup controller is mounted at /sys/fs/cgroup';
  } catch (e) {
    return `cannot create a memory cgroup here (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
}

/** Why memory-limited runs are impossible here, or undefined when they work. */
export function cgroupUnavailable(): string | undefined {
  const cg = memoryCgroup();
  if (typeof cg === 'string') return cg;
  fs.rmdirSync(cg.dir);
  return undefined;
}

/**
 * Runs `cmd args` in a new cgroup limited to `limitBytes`. `safetyMs` only guards the suite against a hang
 * (the result says `hung`); nothing is asserted about time.
 */
export function runMeasured(
  cmd: string,
  args: string[],
  o: { limitBytes: number; env?: NodeJS.ProcessEnv; cwd?: string; safetyMs?: number; asUser?: number },
): Promise<Measured> {
  const cg = memoryCgroup();
  if (typeof cg === 'string') throw new Error(cg);
  cg.setLimit(o.limitBytes);
  const prefix =
    o.asUser === undefined ? [] : ['setpriv', `--reuid=${o.asUser}`, `--regid=${o.asUser}`, '--clear-groups'];
  // The shell joins the cgroup and then becomes the command, so every child it starts is inside too.
  const child = spawn('sh', ['-c', `echo $$ > "${cg.procs}" && exec "$@"`, 'sh', ...prefix, cmd, ...args], {
    cwd: o.cwd,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, treeRss(cg.procs));
  }, 20);
  let hung = false;
  const safety = setTimeout(() => {
    hung = true;
    killGroup(child.pid);
  }, o.safetyMs ?? 180_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(sampler);
      clearTimeout(safety);
      const cgroupPeak = cg.peakFile ? Number(fs.readFileSync(cg.peakFile, 'utf8').trim()) : undefined;
      // Stragglers (a trainer whose parent died) are ended before the cgroup is removed.
      for (const pid of pidsOf(cg.procs)) tryKill(pid);
      removeWhenEmpty(cg);
      resolve({ code, signal, stdout, stderr, peakRss, cgroupPeak, hung });
    });
  });
}

export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function treeRss(procs: string): number {
  let total = 0;
  for (const pid of pidsOf(procs)) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // the process ended between the listing and the read
    }
  }
  return total;
}

function pidsOf(procs: string): number[] {
  try {
    return fs.readFileSync(procs, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    tryKill(pid);
  }
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function removeWhenEmpty(cg: Cgroup): void {
  for (let i = 0; i < 50; i++) {
    try {
      fs.rmdirSync(cg.dir);
      return;
    } catch {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

function tryWrite(file: string, value: string): void {
  try {
    fs.writeFileSync(file, value);
  } catch {
    // no swap accounting here: the memory limit alone applies
  }
}
