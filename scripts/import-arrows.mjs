// Prints which folders each folder imports, as a Markdown table: the layout's import arrows, for checking that a
// boundary holds. By default the top-level folders of src/ (and webview/); with --inside src/trainer the
// subfolders of the trainer. With --check (run by `npm run lint`) it prints nothing and fails on an arrow the
// layout forbids: anything but the bench importing the trainer, src/shared or the webview importing a folder
// of ours, a cycle between folders, or an upward import inside the trainer (a part below the run importing
// the run: export → train, models → train, parallel → train were such arrows).
// Usage: node scripts/import-arrows.mjs [--inside <folder>] [--check] [root]
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name) && args.splice(args.indexOf(name), 1).length > 0;
const option = (name) => (args.includes(name) ? args.splice(args.indexOf(name), 2)[1] : undefined);
const check = flag('--check');
const inside = option('--inside');
const root = path.resolve(args[0] ?? path.join(import.meta.dirname, '..'));

const walk = (dir) =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? walk(path.join(dir, e.name)) : /\.ts$/.test(e.name) ? [path.join(dir, e.name)] : [],
    );

/**
 * A file's area below `base`: its first folder (or the file itself, as `extension`, without .ts); a file
 * outside `base` is named by its path from the root (package.json, which the CLI imports for its version).
 */
function areaOf(base) {
  return (file) => {
    const rel = path.relative(base, file).split(path.sep);
    if (rel[0] === '..') {
      const fromRoot = path.relative(root, file).split(path.sep);
      if (fromRoot[0] === 'webview') return 'webview';
      if (fromRoot[0] === 'src' && fromRoot.length > 2) return `src/${fromRoot[1]}`;
      return fromRoot.join('/').replace(/\.ts$/, '');
    }
    return rel.length > 1 ? rel[0] : rel[0].replace(/\.ts$/, '');
  };
}

/** area → the areas it imports (vscode and node:* included, packages left out). */
function arrowsOf(files, area) {
  const arrows = new Map();
  for (const file of files) {
    const from = area(file);
    const targets = arrows.get(from) ?? new Set();
    arrows.set(from, targets);
    for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      if (spec === 'vscode') targets.add('vscode');
      else if (spec.startsWith('node:')) targets.add('node:*');
      else if (spec.startsWith('.')) {
        const to = area(path.resolve(path.dirname(file), spec));
        if (to !== from) targets.add(to);
      }
    }
  }
  return arrows;
}

/** Cycles between areas, each as "a → b → a" (only areas that are keys of `arrows` count). */
function cycles(arrows) {
  const found = [];
  const visit = (node, trail) => {
    for (const next of arrows.get(node) ?? []) {
      if (!arrows.has(next)) continue;
      const at = trail.indexOf(next);
      if (at === 0) found.push([...trail, next].join(' → '));
      else if (at < 0 && next > trail[0]) visit(next, [...trail, next]);
    }
  };
  for (const start of arrows.keys()) visit(start, [start]);
  return found;
}

/**
 * The trainer's parts that run things (a training, a probe, a data check, text runs, the worker); the others are parts
 * they use.
 */
const TRAINER_TOP = new Set(['train', 'features', 'worker', 'ray', 'doctor', 'text']);

function problems(top, trainer) {
  const out = [];
  for (const [from, to] of top) {
    if (to.has('trainer') && from !== 'bench') out.push(`${from} imports the trainer`);
    if ((from === 'shared' || from === 'webview') && [...to].some((t) => t !== 'shared'))
      out.push(`${from} imports ${[...to].filter((t) => t !== 'shared').join(', ')}`);
  }
  out.push(...cycles(top).map((c) => `folder cycle ${c}`));
  for (const [from, to] of trainer) {
    if (TRAINER_TOP.has(from)) continue;
    const upward = [...to].filter((t) => TRAINER_TOP.has(t));
    if (upward.length) out.push(`trainer/${from} imports trainer/${upward.join(', trainer/')} (upward)`);
  }
  return out;
}

const src = path.join(root, 'src');
const everything = ['src', 'webview'].flatMap((d) => walk(path.join(root, d)));
const top = arrowsOf(everything, areaOf(src));
if (check) {
  const trainerDir = path.join(src, 'trainer');
  const found = problems(top, arrowsOf(walk(trainerDir), areaOf(trainerDir)));
  for (const p of found) console.error(`import-arrows: ${p}`);
  process.exit(found.length ? 1 : 0);
}
const base = inside ? path.resolve(root, inside) : src;
const arrows = inside ? arrowsOf(walk(base), areaOf(base)) : top;
console.log('| folder | imports |\n|---|---|');
for (const [from, to] of [...arrows].sort(([a], [b]) => a.localeCompare(b)))
  console.log(`| ${from} | ${[...to].sort().join(', ')} |`);
