// Runs the built CLI under strace, with HOME pointed at an empty folder and optionally in a network namespace
// without network, and judges the trace: what it changed outside the folders a command may write, what it put
// under HOME, and every connection that was not to this machine.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI } from './cli';
import { readTrace, straceArgs, type Connection, type TraceSummary } from './syscallTrace';

/** Why the traced runs cannot happen here, or undefined when strace and `unshare -n` work. */
export function traceUnavailable(): string | undefined {
  if (spawnSync('strace', ['-V']).status !== 0) return 'strace is not installed';
  if (spawnSync('unshare', ['-n', 'true']).status !== 0) return '`unshare -n` is not permitted (needs root)';
  return undefined;
}

/** The environment of a traced command: none of ours, nothing pointing away from HOME, telemetry left on. */
export function bareEnv(home: string, tmp: string): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(XDG_|TRANSFER_STUDIO_|KERAS_|ORT_)/.test(k)) delete env[k];
  // The product must turn ONNX Runtime's telemetry off whatever its caller says ('0' leaves it on).
  return { ...env, HOME: home, TMPDIR: tmp, ORT_DISABLE_TELEMETRY: '0', TRANSFER_STUDIO_BACKEND: 'wasm' };
}

export interface TracedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  trace: TraceSummary;
}

export interface TraceOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Inside a network namespace with no interface up. */
  offline: boolean;
  /** Prefix of the per-thread trace files. */
  tracePrefix: string;
  /** Called with each stdout line; true sends the CLI one SIGINT (Ctrl+C), as a user would. */
  interruptWhen?: (line: string) => boolean;
}

// The CLI is strace's child: unshare execs strace in place, and strace forks the program it traces.
function tracedPid(stracePid: number): number | undefined {
  const kids = fs.readFileSync(`/proc/${stracePid}/task/${stracePid}/children`, 'utf8').trim().split(/\s+/);
  return kids[0] ? Number(kids[0]) : undefined;
}

/** Runs `transfer-studio args…` to its end under strace; the timeout only keeps a hang from stalling the suite. */
export function runTraced(args: string[], o: TraceOptions): Promise<TracedRun> {
  const traced = ['strace', ...straceArgs(), '-o', o.tracePrefix, process.execPath, CLI, ...args];
  const [cmd, ...rest] = o.offline ? ['unshare', '-n', '--', ...traced] : traced;
  const child = spawn(cmd, rest, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (interrupted || !o.interruptWhen || !stdout.split('\n').slice(0, -1).some(o.interruptWhen)) return;
    interrupted = true;
    const pid = tracedPid(child.pid!);
    if (pid) process.kill(pid, 'SIGINT');
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, trace: readTrace(o.tracePrefix, o.cwd) });
    });
  });
}

export interface Verdict {
  /** Every change the trace holds, allowed or not: a trace that saw nothing proves nothing. */
  changes: number;
  /** Paths changed outside the allowed folders (HOME is never one). */
  outside: string[];
  /** Paths changed under HOME, by the trace or found there afterwards. */
  underHome: string[];
  /** Connections to anything but loopback or a Unix socket. */
  remote: string[];
}

const inside = (p: string, folder: string) => p === folder || p.startsWith(folder + path.sep);

/** Loopback (127.0.0.0/8, ::1) or a Unix socket: the machine talking to itself. */
export function isLocal(c: Connection): boolean {
  if (c.family === 'AF_UNIX') return true;
  const host = c.address.split(' ')[0];
  if (c.family === 'AF_INET') return host.startsWith('127.');
  if (c.family === 'AF_INET6') return host === '::1' || host.startsWith('::ffff:127.');
  return false;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f));
}

/**
 * Judges one run's trace against the folders it may write (`mkdir` of the folders leading to one is fine).
 * `listHome`: also count what HOME holds now (false where others share that HOME, as in the e2e sandbox).
 */
export function judge(trace: TraceSummary, allowed: string[], home: string, listHome = true): Verdict {
  const roots = allowed.map((f) => path.resolve(f));
  const ok = (p: string, syscall: string) =>
    roots.some((r) => inside(p, r) || (syscall.startsWith('mkdir') && inside(r, p)));
  const unique = (xs: string[]) => [...new Set(xs)].sort();
  return {
    changes: trace.changes.length,
    outside: unique(trace.changes.filter((c) => !ok(c.path, c.syscall)).map((c) => `${c.syscall} ${c.path}`)),
    underHome: unique([
      ...trace.changes.filter((c) => inside(c.path, home)).map((c) => c.path),
      ...(listHome ? filesUnder(home) : []),
    ]),
    remote: unique(trace.connections.filter((c) => !isLocal(c)).map((c) => `${c.syscall} ${c.family} ${c.address}`)),
  };
}

export interface VerdictRow {
  name: string;
  code: number | null;
  seconds: number;
  verdict: Verdict;
}

/** One table per pass, for the log (and the closing notes): the counts, then the offending entries. */
export function formatVerdicts(title: string, rows: VerdictRow[]): string {
  const heads = ['exit', 's', 'changes', 'outside allowed', 'under HOME', 'non-loopback connects'];
  const w = Math.max(...rows.map((r) => r.name.length), 'command'.length);
  const line = (name: string, cells: (string | number)[]) =>
    [name.padEnd(w), ...cells.map((c, i) => String(c).padStart(heads[i].length))].join('  ');
  const out = [title, line('command', heads)];
  for (const { name, code, seconds, verdict: v } of rows) {
    const counts = [v.changes, v.outside.length, v.underHome.length, v.remote.length];
    out.push(line(name, [String(code), seconds.toFixed(0), ...counts]));
  }
  for (const r of rows) {
    // Connections first: they are the rarer finding, and a short list must not hide them.
    const found = new Set([...r.verdict.remote, ...r.verdict.outside, ...r.verdict.underHome]);
    for (const x of [...found].slice(0, 12)) out.push(`  ${r.name}: ${x}`);
  }
  return out.join('\n');
}
