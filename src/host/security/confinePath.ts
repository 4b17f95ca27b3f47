// Confines a path that came from untrusted content (the panel webview, a recipe file, a run folder) to the
// workspace folders. Symlinks are followed with realpath, so a link inside the workspace that points out is
// refused just like "../../etc/passwd". Plain Node, no `vscode`: the host passes its folders in, tests run it alone.
import fs from 'node:fs';
import path from 'node:path';

/** The real path to use instead of the one given (never open the original), or why it is refused. */
export type ConfinedPath = { ok: true; path: string; root: string; exists: boolean } | { ok: false; reason: string };

export interface ConfineOptions {
  /** Folder a relative path is relative to (e.g. the recipe's folder); default: the first root. */
  relativeTo?: string;
  /** What the path is, for the message: "dataset folder", "image"… Default "path". */
  what?: string;
}

/**
 * Resolves `candidate` and accepts it only when its real location is inside one of `roots`.
 * A path that does not exist yet (an output folder) is checked through its nearest existing ancestor.
 * Use the returned path, not the candidate: it is where the check was made.
 */
export function confinePath(candidate: string, roots: readonly string[], options: ConfineOptions = {}): ConfinedPath {
  const what = options.what ?? 'path';
  if (typeof candidate !== 'string' || candidate.trim() === '') return { ok: false, reason: `No ${what} given.` };
  if (candidate.includes('\0')) return { ok: false, reason: `The ${what} contains a NUL character and is refused.` };
  if (roots.length === 0)
    return { ok: false, reason: `The ${what} ${quote(candidate)} cannot be used: no workspace folder is open.` };

  const realRoots = roots.map((r) => realpathOrResolved(path.resolve(r)));
  const base = path.resolve(options.relativeTo ?? roots[0]);
  // Joined as written: path.resolve would apply ".." before the links are followed.
  const { real, exists, loop } = realLocation(
    path.isAbsolute(candidate) ? candidate : `${base}${path.sep}${candidate}`,
  );
  const lexical = path.resolve(base, candidate);
  if (loop)
    return { ok: false, reason: `The ${what} ${quote(candidate)} goes through a symbolic link loop and is refused.` };
  const root = realRoots.find((r) => isInside(real, r));
  if (root) return { ok: true, path: real, root, exists };

  const where =
    realRoots.length === 1
      ? `the workspace folder ${quote(realRoots[0])}`
      : `the workspace folders (${realRoots.map(quote).join(', ')})`;
  const lexicallyInside = [...realRoots, ...roots.map((r) => path.resolve(r))].some((r) => isInside(lexical, r));
  const how =
    lexicallyInside && real !== lexical ? ` resolves through a symbolic link to ${quote(real)}, which is` : ' is';
  return {
    ok: false,
    reason: `The ${what} ${quote(candidate)}${how} outside ${where}; Transfer Studio only reads and writes inside the workspace.`,
  };
}

/** Like `confinePath`, but throws an Error carrying the reason. */
export function requireConfined(candidate: string, roots: readonly string[], options: ConfineOptions = {}): string {
  const r = confinePath(candidate, roots, options);
  if (!r.ok) throw new Error(r.reason);
  return r.path;
}

/** True when `p` is `root` or below it (both absolute and real). */
export function isInside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!path.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${path.sep}`));
}

/**
 * Where `p` really leads, walked one component at a time as the kernel does: a symlink is replaced by its
 * target before a later ".." applies, so "link/../x" is judged where the operating system would open it.
 * Below the first missing component the rest is taken as written (nothing there can be a link yet).
 */
function realLocation(p: string): { real: string; exists: boolean; loop?: true } {
  const pending = p.split(path.sep);
  let current = path.parse(p).root;
  let exists = true;
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, part);
    if (!exists) {
      current = next;
      continue;
    }
    const stat = lstatOrUndefined(next);
    if (!stat) {
      exists = false;
      current = next;
      continue;
    }
    if (!stat.isSymbolicLink()) {
      current = next;
      continue;
    }
    // Linux gives up (ELOOP) after 40 links; a cycle never leads to a real place.
    if (++hops > 40) return { real: p, exists: false, loop: true };
    const target = fs.readlinkSync(next);
    pending.unshift(...target.split(path.sep));
    if (path.isAbsolute(target)) current = path.parse(target).root;
  }
  return { real: current, exists };
}

/** Missing, or unreachable (ENOTDIR below a file, EACCES): nothing there can be opened through it either. */
function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

function realpathOrResolved(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return p;
  }
}

function quote(p: string): string {
  return JSON.stringify(p);
}
