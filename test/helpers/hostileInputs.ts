// Hostile inputs for the fault suite: the CLI binary run as a user would (optionally inside a memory cgroup,
// optionally as an unprivileged user), HTTP servers that misbehave, and files crafted to be small on disk
// but huge once read.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { CLI, cliEnv } from './cli';
import { runMeasured, type Measured } from './memoryLimit';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  hung: boolean;
}

/** The CLI in `work`, with its own cache; `safetyMs` only keeps a hang from stalling the suite. */
export function cliIn(work: string, env: NodeJS.ProcessEnv = {}) {
  const fullEnv = cliEnv(work, env);
  return {
    run(args: string[], o: { asUser?: number; safetyMs?: number } = {}): Promise<CliRun> {
      const prefix =
        o.asUser === undefined ? [] : ['setpriv', `--reuid=${o.asUser}`, `--regid=${o.asUser}`, '--clear-groups'];
      const [cmd, ...rest] = [...prefix, process.execPath, CLI, ...args];
      const child = spawn(cmd, rest, { cwd: work, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      let hung = false;
      const safety = setTimeout(() => {
        hung = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, o.safetyMs ?? 240_000);
      return new Promise((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(safety);
          resolve({ code, stdout, stderr, hung });
        });
      });
    },
    /** The same, inside a memory cgroup of `limitBytes`, with the peak RSS of the process tree. */
    measured(args: string[], limitBytes: number, extraEnv: NodeJS.ProcessEnv = {}): Promise<Measured> {
      return runMeasured(process.execPath, [CLI, ...args], { limitBytes, cwd: work, env: { ...fullEnv, ...extraEnv } });
    },
  };
}

/** The `result` or `error` object of a `--json` run. */
export function jsonResult<T = Record<string, unknown>>(
  stdout: string,
): { type: string; result?: T; message?: string } | undefined {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string; result?: T; message?: string })
    .find((l) => l.type === 'result' || l.type === 'error');
}

/** An RGBA PNG of `side`² pixels that is interlaced: a decoder must hold all of it in memory. Small on disk. */
export async function interlacedPng(file: string, side: number): Promise<string> {
  const background = { r: 200, g: 30, b: 90, alpha: 0.5 };
  await sharp({ create: { width: side, height: side, channels: 4, background } })
    .png({ progressive: true, compressionLevel: 9 })
    .toFile(file);
  return file;
}

/** A 16-bit RGBA PNG: under the pixel limit, but 8 bytes per pixel once decoded. */
export async function deepPng(file: string, side: number): Promise<string> {
  await sharp({ create: { width: side, height: side, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 1 } } })
    .toColourspace('rgb16')
    .png({ compressionLevel: 9 })
    .toFile(file);
  return file;
}

/**
 * A server whose responses misbehave: `/endless/…` streams chunked bytes without a Content-Length until the client
 * leaves; `/stall/…` sends headers, then nothing.
 */
export async function hostileServer(): Promise<{ url: string; sent: () => number; close(): Promise<void> }> {
  let sent = 0;
  const chunk = Buffer.alloc(1 << 20, 0x20);
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/endless/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      let open = true;
      res.on('close', () => {
        open = false;
      });
      const pump = () => {
        while (open && sent < 2 ** 34) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      pump();
    } else if (req.url?.startsWith('/stall/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"modelTopology": ');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent: () => sent,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Makes `dir` and everything below readable by everyone and writable by `uid` (for runs as an unprivileged user). */
export function shareWith(dir: string, uid: number): void {
  fs.chmodSync(dir, 0o755);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) shareWith(full, uid);
    else if (e.isFile()) fs.chmodSync(full, 0o644);
  }
  fs.chownSync(dir, uid, uid);
}
