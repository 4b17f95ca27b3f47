// Reads the files `strace -ff -y -s 4096 -e trace=%file,%network -o <prefix>` writes (one per thread, so no
// call is split across lines) into what a process changed on disk and where it tried to connect.
import fs from 'node:fs';
import path from 'node:path';

/** A successful call that created, wrote, renamed, removed or truncated `path`. */
export interface FileChange {
  syscall: string;
  path: string;
}

/** An attempt (successful or not) to reach an address. */
export interface Connection {
  syscall: string;
  family: string;
  address: string;
}

export interface TraceSummary {
  changes: FileChange[];
  connections: Connection[];
}

/**
 * The strace arguments the parser expects: one file per thread, quoted paths up to 4 KiB, descriptors shown as
 * paths; the kernel filters the calls (seccomp), so the untraced ones cost nothing. `withProcesses` adds the
 * clone and execve calls `subtreeOf` follows.
 */
export function straceArgs(withProcesses = false): string[] {
  const calls = `%file,%network${withProcesses ? ',%process' : ''}`;
  return ['-ff', '-y', '-s', '4096', '-qq', '--seccomp-bpf', '-e', 'signal=none', '-e', `trace=${calls}`];
}

const WRITE_FLAGS = /\bO_(WRONLY|RDWR|CREAT|TRUNC|APPEND)\b/;

// Which arguments of a call name a path it changes (symlinkat(target, dirfd, linkpath): the link path).
const CHANGED: Record<string, number[]> = {
  creat: [0],
  mkdir: [0],
  mkdirat: [1],
  rmdir: [0],
  unlink: [0],
  unlinkat: [1],
  rename: [0, 1],
  renameat: [1, 3],
  renameat2: [1, 3],
  link: [1],
  linkat: [3],
  symlink: [1],
  symlinkat: [2],
  truncate: [0],
  mknod: [0],
  mknodat: [1],
};
const OPENS: Record<string, number> = { open: 0, openat: 1, openat2: 1 };
const ADDRESSED = new Set(['connect', 'sendto', 'sendmsg', 'sendmmsg', 'bind']);

/** Splits `a, "b, c", {d, e}, 3</x>` at its top-level commas. */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === '\\') i++;
    } else if (c === '<' && /(\d|AT_FDCWD)$/.test(s.slice(start, i))) {
      // A descriptor's path (-y): it ends at the '>' before a comma or the end, whatever it holds.
      const end = s.slice(i).search(/>(?=,|$)/);
      i = end < 0 ? s.length : i + end;
    } else if ('{[('.includes(c)) depth++;
    else if ('}])'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(s.slice(start).trim());
  return out;
}

/** The bytes of a C string as strace prints it, as text. */
export function unquote(arg: string): string | undefined {
  const m = /^"((?:[^"\\]|\\.)*)"/.exec(arg);
  if (!m) return undefined;
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', v: '\v', f: '\f', '"': '"', '\\': '\\' };
  const bytes = m[1].replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return simple[e] ?? e;
  });
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** The folder a `*at` call's descriptor stands for (-y prints it), or the process's working folder. */
function baseOf(dirfd: string | undefined, cwd: string): string {
  const m = dirfd && /<(.*)>$/.exec(dirfd);
  return m ? m[1] : cwd;
}

/** Argument `i` as an absolute path; the `*at` calls name their directory descriptor just before it. */
function pathArg(syscall: string, args: string[], i: number, cwd: string): string {
  const p = unquote(args[i] ?? '') ?? `<unreadable argument ${args[i]}>`;
  const relative = syscall !== 'creat' && /at2?$/.test(syscall);
  return path.resolve(baseOf(relative ? args[i - 1] : undefined, cwd), p);
}

function connectionOf(syscall: string, args: string): Connection | undefined {
  const family = /sa_family=(AF_\w+)/.exec(args)?.[1];
  if (!family) return undefined;
  const address =
    /sun_path=(@?"[^"]*")/.exec(args)?.[1] ??
    /inet_addr\("([^"]+)"\)/.exec(args)?.[1] ??
    /inet_pton\(AF_INET6, "([^"]+)"/.exec(args)?.[1] ??
    '';
  const port = /sin6?_port=htons\((\d+)\)/.exec(args)?.[1];
  return { syscall, family, address: port ? `${address} port ${port}` : address };
}

/** What one line of a trace says, if anything: relative paths resolve against `cwd`. */
export function parseLine(line: string, cwd: string): { change?: FileChange[]; connection?: Connection } {
  const m = /^(\w+)\((.*)\)\s+=\s+(-?\d+|0x[0-9a-f]+|\?)/.exec(line);
  if (!m) return {};
  const [, syscall, rawArgs, ret] = m;
  if (ADDRESSED.has(syscall)) {
    const connection = connectionOf(syscall, rawArgs);
    // A Unix socket bound to a path is a file it creates.
    const sun = syscall === 'bind' && ret === '0' ? /sun_path="([^"]*)"/.exec(rawArgs)?.[1] : undefined;
    if (syscall === 'bind') return sun ? { change: [{ syscall, path: path.resolve(cwd, sun) }] } : {};
    return connection ? { connection } : {};
  }
  if (ret.startsWith('-')) return {};
  const args = splitArgs(rawArgs);
  if (syscall in OPENS) {
    const i = OPENS[syscall];
    if (!WRITE_FLAGS.test(args[i + 1] ?? '')) return {};
    return { change: [{ syscall, path: pathArg(syscall, args, i, cwd) }] };
  }
  const where = CHANGED[syscall];
  if (!where) return {};
  return { change: where.map((i) => ({ syscall, path: pathArg(syscall, args, i, cwd) })) };
}

/** The trace files `prefix.<tid>`, by thread id. */
function traceFiles(prefix: string): Map<number, string> {
  const dir = path.dirname(prefix);
  const base = `${path.basename(prefix)}.`;
  const files = fs.readdirSync(dir).filter((f) => f.startsWith(base) && /^\d+$/.test(f.slice(base.length)));
  return new Map(files.map((f) => [Number(f.slice(base.length)), path.join(dir, f)]));
}

/** Every change and connection in the trace files `prefix.<tid>` (only those of `tids` when given). */
export function readTrace(prefix: string, cwd: string, tids?: Set<number>): TraceSummary {
  const summary: TraceSummary = { changes: [], connections: [] };
  for (const [tid, file] of traceFiles(prefix)) {
    if (tids && !tids.has(tid)) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const r = parseLine(line, cwd);
      if (r.change) summary.changes.push(...r.change);
      if (r.connection) summary.connections.push(r.connection);
    }
  }
  return summary;
}

/**
 * The threads and processes a traced process started, itself included (needs `%process` in the trace): the
 * tid of the thread whose `execve` argument list matches `argv`, and every tid cloned from it, transitively.
 */
export function subtreeOf(prefix: string, argv: RegExp): Set<number> {
  const children = new Map<number, number[]>();
  let root: number | undefined;
  for (const [tid, file] of traceFiles(prefix)) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const m = /^(?:clone3?|fork|vfork)\(.*\)\s+=\s+(\d+)/.exec(line);
      if (m) children.set(tid, [...(children.get(tid) ?? []), Number(m[1])]);
      if (root === undefined && /^execve\(/.test(line) && / = 0$/.test(line) && argv.test(line)) root = tid;
    }
  }
  const tree = new Set<number>();
  for (let todo = root === undefined ? [] : [root]; todo.length;) {
    const tid = todo.pop()!;
    if (!tree.has(tid)) todo.push(...(children.get(tid) ?? []));
    tree.add(tid);
  }
  return tree;
}
