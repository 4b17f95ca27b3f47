// The CLI as an npm package: `npm run pack:cli` writes a tarball; installed with `npm install -g` into an
// empty prefix by npm 10 (Node 20's own, through `npx npm@10`) and by npm 11, its `transfer-studio` lists the
// built-in base's layers and trains far from this repository, the frozen part on the bundled ONNX Runtime.
// npm installs sharp preferring its cache: `npm ci` put sharp's tarball there, but not the registry's listing
// of sharp's versions that `npm install` resolves against, so on a fresh machine that one listing is fetched.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EXIT } from '../../src/cli/exitCodes';
import { fixture, ROOT, tempDir } from '../helpers/fixtures';

const work = tempDir('cli-package');
after(() => fs.rmSync(work, { recursive: true, force: true }));
// Variables of an outer `npm test` (npm_config_*) would steer the inner npm (its prefix, for one).
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

// A limit only against a hung process: on a busy 2-core machine the production build alone took 5 minutes.
function run(file: string, args: string[], env: NodeJS.ProcessEnv = ENV) {
  const t0 = Date.now();
  const r = spawnSync(file, args, { encoding: 'utf8', cwd: work, env, timeout: 1_200_000 });
  console.log(`${path.basename(file)} ${args.slice(0, 2).join(' ')}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
type Line = { type: string; kind?: string; message?: string; result?: unknown };
const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
const result = <T>(stdout: string) => lines(stdout).find((l) => l.type === 'result')!.result as T;

// npm 11 is this machine's and CI's; npm 10 is Node 20's own. Whichever is not installed runs through npx.
const systemNpm = spawnSync('npm', ['--version'], { encoding: 'utf8', env: ENV }).stdout.trim();
const npmOf = (major: number): [string, string[]] =>
  systemNpm.startsWith(`${major}.`) ? ['npm', []] : ['npx', ['--yes', `npm@${major}`]];

let tarball = '';
before(() => {
  const packed = run(process.execPath, [path.join(ROOT, 'scripts/pack-cli.mjs')]);
  assert.equal(packed.code, 0, packed.stderr);
  tarball = path.join(ROOT, 'out', packed.stdout.match(/(transfer-studio-[\d.]+-[a-z0-9]+-[a-z0-9]+\.tgz)/)![1]);
});

test('the tarball holds the bundles, the base and a scriptless ONNX Runtime for its platform only', () => {
  const listing = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' }).stdout.trim().split('\n');
  assert.ok(listing.includes('package/dist/models/mobilenet_v2/model.json'), 'the built-in base is inside');
  assert.ok(listing.includes('package/dist/tfjs-backend-wasm-simd.wasm'));
  const modules = listing.filter((f) => f.includes('/node_modules/'));
  assert.deepEqual(
    listing.filter((f) => /\.(ts|map)$|\/src\//.test(f) && !f.endsWith('.d.ts')),
    [],
    'no sources or maps',
  );
  assert.deepEqual(
    [...new Set(modules.map((f) => f.split('/')[2]))].sort(),
    ['onnxruntime-common', 'onnxruntime-node'],
    'only ONNX Runtime is bundled',
  );
  const binaries = modules.filter((f) => f.includes('/bin/napi-v6/'));
  assert.deepEqual(
    [...new Set(binaries.map((f) => f.split('/').slice(5, 7).join('-')))],
    [`${process.platform}-${process.arch}`],
  );
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'out/cli-package/package.json'), 'utf8'));
  assert.deepEqual(manifest.bundleDependencies, ['onnxruntime-node', 'onnxruntime-common']);
  const ort = JSON.parse(
    fs.readFileSync(path.join(ROOT, 'out/cli-package/node_modules/onnxruntime-node/package.json'), 'utf8'),
  );
  assert.equal(ort.scripts, undefined, 'no install script travels (it downloads GPU providers)');
});

for (const major of [10, 11]) {
  test(`npm ${major}: install -g into an empty prefix → layers, and train with the frozen part on ONNX Runtime`, () => {
    const [npm, pre] = npmOf(major);
    const version = run(npm, [...pre, '--version']);
    assert.match(version.stdout.trim(), new RegExp(`^${major}\\.`));
    const prefix = path.join(work, `prefix-npm${major}`);
    const install = run(npm, [
      ...pre,
      'install',
      '-g',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--omit=optional',
      '--no-audit',
      '--no-fund',
      tarball,
    ]);
    assert.equal(install.code, 0, `npm ${major} install -g (cache first, then the registry)\n${install.stderr}`);
    const bin = path.join(prefix, 'bin', 'transfer-studio');
    assert.ok(fs.realpathSync(bin).startsWith(fs.realpathSync(prefix)), 'the command is the installed one');

    const env = { ...ENV, TRANSFER_STUDIO_CACHE: path.join(work, `cache-npm${major}`) };
    const layers = run(bin, ['layers', 'mobilenet_v2', '--json'], env);
    assert.equal(layers.code, EXIT.ok, layers.stderr);
    assert.equal(result<{ layers: unknown[] }>(layers.stdout).layers.length, 162);

    // One short training of a head on the built-in base: the trainer says which runtime ran the frozen part.
    const out = path.join(work, `runs-npm${major}`);
    const args = ['--max-per-class', '6', '--epochs', '1', '--second-phase', 'off', '--out', out, '--json'];
    const train = run(bin, ['train', fixture('digits-0-4'), ...args], env);
    assert.equal(train.code, EXIT.ok, train.stderr);
    const trained = result<{ runDir: string; transfer: { evaluation: { count: number } } }>(train.stdout);
    assert.ok(fs.existsSync(path.join(trained.runDir, 'model.json')), 'the run folder holds the model');
    assert.ok(trained.transfer.evaluation.count > 0);
    const frozen = lines(train.stdout).find((l) => l.kind === 'log' && /^Feature extraction:/.test(l.message ?? ''));
    console.log(`npm ${major}: ${frozen?.message}`);
    assert.match(frozen?.message ?? '', /onnxruntime/, 'the frozen part runs on ONNX Runtime, no flags needed');
  });
}
