// Builds @tensorflow/tfjs-node from source against the C library inside TensorFlow's Python wheel, so the
// bench can measure it where its own install script cannot download libtensorflow. For measuring only: the
// product never needs it. Downloads: the tfjs-node tarball and node-pre-gyp's runtime dependencies from the
// npm registry, the tensorflow-cpu wheel from the pip index (the local one by default); nothing else.
// The repo's node_modules is left alone: everything goes to TRANSFER_STUDIO_TFJS_NODE (default
// ~/.cache/transfer-studio/tfjs-node), which `npm run bench -- --native` looks at.
// Run: nice -n 15 node --import tsx scripts/build-tfjs-node.ts [--force]
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  builtTfjsNode,
  libraryLinks,
  napiBuildVersion,
  peerModules,
  peerPackage,
  tfjsNodeBuildDir,
} from '../src/bench/tfjsNodeBuild';

const ROOT = path.resolve(__dirname, '..');
const TENSORFLOW_WHEEL = process.env.TRANSFER_STUDIO_TF_WHEEL ?? 'tensorflow-cpu==2.21.0';
// The machine's local index; another machine can point pip elsewhere (e.g. to PyPI) with this variable.
const PIP_INDEX = (
  process.env.TRANSFER_STUDIO_PIP_INDEX ??
  '--index-url file:///opt/pypi/simple --extra-index-url file:///opt/pypi-more/simple'
).split(' ');

interface PackageJson {
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  binary?: { napi_versions?: number[] };
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as PackageJson;
const sh = (cmd: string, args: string[], opts: ExecFileSyncOptions = {}) => {
  process.stderr.write(`$ ${cmd} ${args.join(' ')}\n`);
  return String(execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], ...opts }) ?? '');
};

/** The tfjs-node version the repo declares; it must match the tfjs-core we bundle, or the kernels disagree. */
function wantedVersion(): string {
  const pkg = readJson(path.join(ROOT, 'package.json'));
  const version = pkg.optionalDependencies?.['@tensorflow/tfjs-node'];
  const core = pkg.dependencies?.['@tensorflow/tfjs-core'];
  if (!version || version !== core)
    throw new Error(`package.json: @tensorflow/tfjs-node ${version} must be pinned to tfjs-core's version ${core}.`);
  return version;
}

/** One file of `dir` whose name starts with `prefix`, downloaded by `fetch` when absent. */
function downloaded(dir: string, prefix: string, suffix: string, fetch: () => void): string {
  const find = () => fs.readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith(suffix));
  if (!find()) fetch();
  const file = find();
  if (!file) throw new Error(`No ${prefix}*${suffix} in ${dir} after downloading it.`);
  return path.join(dir, file);
}

/** The wheel's libraries and C headers, unpacked once into `<build>/tensorflow`. */
function unpackWheel(wheel: string, into: string): string {
  const lib = path.join(into, 'tensorflow');
  if (!fs.existsSync(path.join(lib, 'include', 'tensorflow', 'c', 'c_api.h'))) {
    const names = [
      'tensorflow/libtensorflow_cc.so.*',
      'tensorflow/libtensorflow_framework.so.*',
      'tensorflow/include/*',
    ];
    sh('unzip', ['-q', '-o', wheel, ...names, '-d', into]);
  }
  return lib;
}

/** A symlink at `link` to `target`, replacing whatever was there. */
function symlink(target: string, link: string): void {
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(target, link);
}

/** Node's own headers (a distribution package or Node's install prefix), so node-gyp downloads none. */
function nodeHeaders(): string {
  const candidates = [process.env.npm_config_nodedir, path.resolve(process.execPath, '../..'), '/usr'];
  const dir = candidates.find((d) => d && fs.existsSync(path.join(d, 'include', 'node', 'node_api.h')));
  if (!dir) throw new Error(`No include/node/node_api.h under ${candidates.filter(Boolean).join(', ')}.`);
  return dir;
}

/** npm's own node-gyp, so nothing else needs installing. */
function nodeGyp(): string {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.resolve(process.execPath, '../../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  const file = candidates.find((f) => f && fs.existsSync(f));
  if (!file) throw new Error(`npm's node-gyp not found at ${candidates.filter(Boolean).join(', ')}.`);
  return file;
}

function main(): void {
  const force = process.argv.includes('--force');
  const version = wantedVersion();
  const build = tfjsNodeBuildDir();
  const downloads = path.join(build, 'downloads');
  fs.mkdirSync(downloads, { recursive: true });
  if (!force && builtTfjsNode(build).ok) {
    process.stderr.write(`Already built in ${peerPackage(build)} (--force rebuilds).\n`);
  } else {
    const tarball = downloaded(downloads, `tensorflow-tfjs-node-${version}`, '.tgz', () =>
      sh('npm', ['pack', `@tensorflow/tfjs-node@${version}`, '--pack-destination', downloads]),
    );
    const python = process.env.TRANSFER_STUDIO_PYTHON ?? 'python3';
    // A wheel's file name spells the project with underscores: tensorflow-cpu==2.21.0 → tensorflow_cpu-2.21.0-….
    const [project, wheelVersion] = TENSORFLOW_WHEEL.split('==');
    const wheel = downloaded(downloads, `${project.replaceAll('-', '_')}-${wheelVersion}-`, '.whl', () =>
      sh(python, ['-m', 'pip', 'download', TENSORFLOW_WHEEL, '--no-deps', ...PIP_INDEX, '-d', downloads]),
    );
    const tf = unpackWheel(wheel, build);

    // The package goes beside links to our @tensorflow packages (so it loads our tfjs-core files), its other
    // runtime dependencies one folder up (npm manages that folder and would prune anything it did not put there).
    const pkgDir = peerPackage(build);
    fs.rmSync(pkgDir, { recursive: true, force: true });
    fs.mkdirSync(pkgDir, { recursive: true });
    sh('tar', ['xzf', tarball, '-C', pkgDir, '--strip-components=1']);
    const pkg = readJson(path.join(pkgDir, 'package.json'));
    const runtime = Object.fromEntries(
      Object.entries(pkg.dependencies ?? {}).filter(([name]) => !name.startsWith('@tensorflow/')),
    );
    fs.writeFileSync(
      path.join(build, 'package.json'),
      `${JSON.stringify({ private: true, description: 'tfjs-node peer for the bench', dependencies: runtime }, null, 2)}\n`,
    );
    sh('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--omit=dev'], { cwd: build });
    const ours = fs.realpathSync(path.join(ROOT, 'node_modules', '@tensorflow'));
    for (const name of fs.readdirSync(ours).filter((n) => n !== 'tfjs-node'))
      symlink(path.join(ours, name), path.join(peerModules(build), '@tensorflow', name));

    const depsLib = path.join(pkgDir, 'deps', 'lib');
    fs.mkdirSync(depsLib, { recursive: true });
    for (const [name, file] of Object.entries(libraryLinks(tf))) symlink(path.join(tf, file), path.join(depsLib, name));
    symlink(path.join(tf, 'include'), path.join(pkgDir, 'deps', 'include'));

    const napi = napiBuildVersion(pkg.binary?.napi_versions ?? [], Number(process.versions.napi));
    sh(
      process.execPath,
      [
        nodeGyp(),
        'rebuild',
        `--nodedir=${nodeHeaders()}`,
        `--napi_build_version=${napi}`,
        '--module_name=tfjs_binding',
        // Absolute, as node-pre-gyp passes it: gyp would read a relative one from build/.
        `--module_path=${path.join(pkgDir, 'lib', `napi-v${napi}`)}`,
      ],
      { cwd: pkgDir, stdio: ['ignore', 'inherit', 'inherit'] },
    );
  }
  const built = builtTfjsNode(build);
  if (!built.ok) throw new Error(`The build did not produce the addon: ${built.reason}.`);
  // The check the bench relies on: the package loads and its backend runs an op natively.
  const check =
    "const tf = require('@tensorflow/tfjs-node'); tf.tensor([1, 2]).square().data().then(" +
    "(d) => console.log(`backend ${tf.getBackend()}, tfjs-node ${tf.version['tfjs-node']}, TensorFlow C library ` +" +
    '`${tf.backend().binding.TF_Version}, [1, 2] squared = ${Array.from(d)}`))';
  const env = { ...process.env, NODE_PATH: built.nodePath, TF_CPP_MIN_LOG_LEVEL: '2' };
  const out = sh(process.execPath, ['-e', check], { env });
  process.stderr.write(`${out.trim()}\nBuilt: NODE_PATH=${built.nodePath} (npm run bench -- --native finds it).\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`build-tfjs-node: ${(err as Error).message}\n`);
  process.exit(1);
}
