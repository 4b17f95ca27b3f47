// Prints which top-level folders each folder of src/ (and webview/) imports, as a Markdown table: the
// layout's import arrows, for checking that a boundary holds. Usage: node scripts/import-arrows.mjs [root]
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..'));
const area = (file) => {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === 'webview') return 'webview';
  return rel.length > 2 ? rel[1] : rel[1].replace(/\.ts$/, '');
};
const walk = (dir) =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? walk(path.join(dir, e.name)) : /\.ts$/.test(e.name) ? [path.join(dir, e.name)] : [],
    );
const arrows = new Map();
for (const file of ['src', 'webview'].flatMap((d) => walk(path.join(root, d)))) {
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
console.log('| folder | imports |\n|---|---|');
for (const [from, to] of [...arrows].sort(([a], [b]) => a.localeCompare(b)))
  console.log(`| ${from} | ${[...to].sort().join(', ')} |`);
