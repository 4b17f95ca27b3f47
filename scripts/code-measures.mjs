// Prints the longest lines and the longest functions of the sources (src, webview, scripts, test), for
// checking the style's limits: node scripts/code-measures.mjs [root]. Function length is ESLint's
// max-lines-per-function (blank lines and comments included), reported rather than enforced.
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..'));
const walk = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return ['node_modules', 'fixtures', 'dist'].includes(e.name) ? [] : walk(p);
    return /\.(ts|mjs)$/.test(e.name) ? [p] : [];
  });
const files = ['src', 'webview', 'scripts', 'test'].flatMap((d) =>
  fs.existsSync(path.join(root, d)) ? walk(path.join(root, d)) : [],
);

const lines = files.flatMap((f) =>
  fs
    .readFileSync(f, 'utf8')
    .split('\n')
    .map((l, i) => ({ where: `${path.relative(root, f)}:${i + 1}`, length: l.length })),
);
lines.sort((a, b) => b.length - a.length);
const over = (n) => lines.filter((l) => l.length > n).length;
console.log(
  `lines: ${lines.length}; longest ${lines[0].length} (${lines[0].where}); over 120: ${over(120)}, over 200: ${over(200)}`,
);
const product = lines.filter((l) => /^(src|webview)\//.test(l.where));
console.log(
  `  of which src/ and webview/: longest ${product[0].length} (${product[0].where}); over 120: ${product.filter((l) => l.length > 120).length}, over 200: ${product.filter((l) => l.length > 200).length}`,
);

const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: (await import('typescript-eslint')).parser } },
    {
      rules: {
        'max-lines-per-function': ['warn', { max: 1, skipBlankLines: false, skipComments: false, IIFEs: true }],
      },
    },
  ],
});
const functions = (await eslint.lintFiles(files)).flatMap((r) =>
  r.messages
    .filter((m) => m.ruleId === 'max-lines-per-function')
    .map((m) => ({
      where: `${path.relative(root, r.filePath)}:${m.line}`,
      length: Number(/\((\d+)\)/.exec(m.message)?.[1]),
    })),
);
functions.sort((a, b) => b.length - a.length);
console.log(
  `functions: ${functions.length}; longest: ${functions
    .slice(0, 5)
    .map((f) => `${f.length} (${f.where})`)
    .join(', ')}`,
);
const productFunctions = functions.filter((f) => /^(src|webview)\//.test(f.where));
console.log(
  `  of which src/ and webview/: longest ${productFunctions
    .slice(0, 3)
    .map((f) => `${f.length} (${f.where})`)
    .join(', ')}`,
);
console.log(
  `functions over 50 lines: ${functions.filter((f) => f.length > 50).length}, over 100: ${functions.filter((f) => f.length > 100).length}`,
);
