// What `predict` reads: image files named one by one, folders (every image under them) and glob patterns
// such as 'photos/**/*.jpg' (quoted, so a shell without globbing, e.g. Windows cmd, works too).
import fs from 'node:fs';
import path from 'node:path';
import { IMAGE_EXTENSIONS, isHiddenName } from '../shared/imageFiles';
import { CliError } from './cliError';

/** Most images one `predict` call takes; past it the call stops before reading any (split the folder). */
export const MAX_PREDICT_IMAGES = 100_000;

const GLOB_CHARS = /[*?[{]/;

/** The image paths (absolute, in a stable order) that the arguments name. */
export function expandImageInputs(args: string[], cwd = process.cwd()): string[] {
  const found: string[] = [];
  const add = (file: string) => {
    if (found.length >= MAX_PREDICT_IMAGES) {
      throw new CliError(
        `predict takes at most ${MAX_PREDICT_IMAGES.toLocaleString('en-US')} images per call ` +
          `(MAX_PREDICT_IMAGES); ${args.join(' ')} names more.`,
      );
    }
    found.push(file);
  };
  for (const arg of args) {
    const full = path.resolve(cwd, arg);
    const stat = statOrUndefined(full);
    if (stat?.isDirectory()) {
      walk(full, add, () => true);
    } else if (stat || !GLOB_CHARS.test(arg)) {
      // A file named on its own is predicted whatever its extension; a missing one gets its own error line.
      add(full);
    } else {
      const before = found.length;
      const { base, matcher } = compileGlob(full);
      if (statOrUndefined(base)?.isDirectory())
        walk(base, add, (file) => matcher.test(toSlashes(path.relative(base, file))));
      if (found.length === before) throw new CliError(`No image matches ${arg}.`, 1);
    }
  }
  return found;
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

/** Images under a folder, depth first in name order; hidden names and symlinked folders are skipped. */
function walk(dir: string, add: (file: string) => void, keep: (file: string) => boolean): void {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (isHiddenName(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, add, keep);
    else if (entry.isFile() && IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase()) && keep(full)) add(full);
  }
}

const toSlashes = (p: string) => p.split(path.sep).join('/');

/** The folder a pattern's literal leading segments name, and a regular expression for the rest. */
export function compileGlob(absolutePattern: string): {
  base: string;
  matcher: RegExp;
} {
  const segments = toSlashes(absolutePattern).split('/');
  const firstGlob = segments.findIndex((s) => GLOB_CHARS.test(s));
  const base = segments.slice(0, firstGlob).join('/') || '/';
  const rest = segments.slice(firstGlob);
  const parts = rest.map((segment, i) => {
    if (segment === '**') return i === rest.length - 1 ? '.*' : '(?:[^/]+/)*';
    return `${segmentRegex(segment)}${i === rest.length - 1 ? '' : '/'}`;
  });
  return {
    base: path.resolve(base),
    matcher: new RegExp(`^${parts.join('')}$`, process.platform === 'win32' ? 'i' : ''),
  };
}

function segmentRegex(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += `[${segment
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = segment.indexOf('}', i + 1);
      if (end < 0) out += '\\{';
      else {
        out += `(?:${segment
          .slice(i + 1, end)
          .split(',')
          .map(segmentRegex)
          .join('|')})`;
        i = end;
      }
    } else out += c.replace(/[.+^$()|\\\]}]/g, '\\$&');
  }
  return out;
}
