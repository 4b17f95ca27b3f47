// Real faults for the fault suite: a small file system that can be made read-only or filled up while the
// trainer child process writes to it, and a way to hold the child still while a fault is put in place.
// No mocks: the child sees the same kernel errors (EROFS, EACCES, ENOSPC) a user's disk would give.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const isRoot = process.getuid?.() === 0;

/** A folder the test can make read-only and writable again; `how` says which real mechanism does it. */
export interface FaultyFolder {
  dir: string;
  how: string;
  /** Makes new files impossible in `dirs` (all of the folder for a remount). */
  readOnly(dirs: string[]): void;
  writable(dirs: string[]): void;
  /**
   * Fills the folder's file system up to `leaveBytes` free; undefined when the folder is no small file system of its
   * own.
   */
  fill?: (leaveBytes: number) => void;
  unfill?: () => void;
  dispose(): void;
}

/**
 * A tmpfs of `sizeBytes` mounted at `dir` when the test runs as root with mount rights: read-only by remount
 * (EROFS) and fillable (ENOSPC). As another user, chmod (EACCES). As root without mount rights chmod
 * changes nothing (root ignores modes), so `chattr +i` (immutable, EPERM even for root) is used if the
 * file system supports it. Returns a reason string when none of these works here.
 */
export function faultyFolder(dir: string, sizeBytes: number): FaultyFolder | string {
  fs.mkdirSync(dir, { recursive: true });
  if (isRoot && tryRun('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0755`, 'tmpfs', dir])) {
    const filler = path.join(dir, 'filler.bin');
    return {
      dir,
      how: `a ${Math.round(sizeBytes / 2 ** 20)} MiB tmpfs remounted read-only (EROFS)`,
      readOnly: () => execFileSync('mount', ['-o', 'remount,ro', dir]),
      writable: () => execFileSync('mount', ['-o', 'remount,rw', dir]),
      fill: (leaveBytes) => {
        const st = fs.statfsSync(dir);
        const free = st.bavail * st.bsize;
        fs.writeFileSync(filler, Buffer.alloc(Math.max(0, free - leaveBytes)));
      },
      unfill: () => fs.rmSync(filler, { force: true }),
      dispose: () => {
        tryRun('umount', ['-l', dir]);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (!isRoot) {
    return {
      dir,
      how: 'chmod a-w on the folders being written (EACCES)',
      readOnly: (dirs) => dirs.forEach((d) => fs.chmodSync(d, 0o555)),
      writable: (dirs) => dirs.forEach((d) => fs.chmodSync(d, 0o755)),
      dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const probe = path.join(dir, 'probe');
  fs.mkdirSync(probe);
  const immutable = tryRun('chattr', ['+i', probe]) && !canCreate(probe);
  tryRun('chattr', ['-i', probe]);
  fs.rmSync(probe, { recursive: true, force: true });
  if (!immutable)
    return 'running as root without the right to mount a tmpfs or to set the immutable attribute: no real way to make a folder read-only here';
  return {
    dir,
    how: 'chattr +i on the folders being written (immutable: EPERM even for root)',
    readOnly: (dirs) => dirs.forEach((d) => execFileSync('chattr', ['+i', d])),
    writable: (dirs) => dirs.forEach((d) => tryRun('chattr', ['-i', d])),
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Stops the process (SIGSTOP) while `fault` is put in place, so it lands before the process's next write. */
export function whilePaused(pid: number, fault: () => void): void {
  process.kill(pid, 'SIGSTOP');
  try {
    fault();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

/** File names in a folder and their sizes, to show that a failed save changed nothing. */
export function folderState(dir: string): Record<string, number> {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((f) => [f, fs.statSync(path.join(dir, f)).size]),
  );
}

function tryRun(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function canCreate(dir: string): boolean {
  try {
    fs.writeFileSync(path.join(dir, 'x'), '');
    return true;
  } catch {
    return false;
  }
}
