// Confines a path that came from untrusted content (the panel webview, a recipe file, a run folder) to the
// workspace folders. Symlinks are followed with realpath, so a link inside the workspace that points out is
// refused just like "../../etc/passwd". Plain Node, no `vscode`: the host passes its folders in, tests run it alone.
import fs from 'node:fs';
import path from 'node:path';

/** The real path to use instead of the one given (never open the original), or why it is refused. */
export type ConfinedPath =
  | { ok: true; path: string; root: string; exists: boolean }
  | { ok: false; reason: string };

export interface ConfineOptions {
  /** Folder a relative path is relative to (e.g. the recipe's folder); default: the first root. */
  relativeTo?: string;
  /** What the path is, for the message: "dataset folder", "image"… Default "path". */
  what?: string;
}

/**
 * Resolves `candidate` and accepts it only when its real location is inside one of `roots`.
 * A path that does not exist yet (an output folder) is checked through its nearest existing ancestor.
 */
export function confinePath(candidate: string, roots: readonly string[], options: ConfineOptions = {}): ConfinedPath {
  const what = options.what ?? 'path';
  if (typeof candidate !== 'string' || candidate.trim() === '') return { ok: false, reason: `No ${what} given.` };
  if (candidate.includes('\0')) return { ok: false, reason: `The ${what} contains a NUL character and is refused.` };
  if (roots.length === 0) return { ok: false, reason: `The ${what} ${quote(candidate)} cannot be used: no workspace folder is open.` };

  const realRoots = roots.map((r) => realpathOrResolved(path.resolve(r)));
  const lexical = path.resolve(options.relativeTo ?? roots[0], candidate);
  const { real, exists, loop } = realLocation(lexical);
  if (loop) return { ok: false, reason: `The ${what} ${quote(candidate)} goes through a symbolic link loop and is refused.` };
  const root = realRoots.find((r) => isInside(real, r));
  if (root) return { ok: true, path: real, root, exists };

  const where = realRoots.length === 1 ? `the workspace folder ${quote(realRoots[0])}` : `the workspace folders (${realRoots.map(quote).join(', ')})`;
  const lexicallyInside = [...realRoots, ...roots.map((r) => path.resolve(r))].some((r) => isInside(lexical, r));
  const how = lexicallyInside && real !== lexical ? ` resolves through a symbolic link to ${quote(real)}, which is` : ' is';
  return { ok: false, reason: `The ${what} ${quote(candidate)}${how} outside ${where}; Transfer Studio only reads and writes inside the workspace.` };
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

/** The real path of `p`, or for a path that does not exist, the real path of its nearest existing ancestor plus the rest. */
function realLocation(p: string, depth = 0): { real: string; exists: boolean; loop?: true } {
  // Dangling links pointing at dangling links: give up where the kernel would (ELOOP after 40 hops).
  if (depth > 40) return { real: p, exists: false, loop: true };
  const missing: string[] = [];
  let at = p;
  for (;;) {
    try {
      const real = fs.realpathSync.native(at);
      return { real: missing.length ? path.join(real, ...missing.reverse()) : real, exists: missing.length === 0 };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ELOOP: a symlink cycle never resolves to a real place.
      if (code === 'ELOOP') return { real: p, exists: false, loop: true };
      const parent = path.dirname(at);
      if (parent === at) return { real: p, exists: false };
      // A dangling symlink is not "missing": its target decides where a write would land.
      const link = readLinkTarget(at);
      if (link !== undefined) return realLocation(path.join(path.resolve(path.dirname(at), link), ...missing.reverse()), depth + 1);
      missing.push(path.basename(at));
      at = parent;
    }
  }
}

function readLinkTarget(p: string): string | undefined {
  try {
    return fs.readlinkSync(p);
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
