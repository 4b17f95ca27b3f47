// The CLI as an npm package: `npm run pack:cli` writes a tarball; installed with `npm install -g` into an
// empty prefix, its `transfer-studio` lists the built-in base's layers and trains, far from this repository.
// npm installs sharp preferring its cache: `npm ci` put sharp's tarball there, but not the registry's listing
// of sharp's versions that `npm install` resolves against, so on a fresh machine that one listing is fetched.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { EXIT } from '../../src/cli/exitCodes';
import { fixture, ROOT, tempDir } from '../helpers/fixtures';
import { tinySource } from '../helpers/cli';

const work = tempDir('cli-package');
after(() => fs.rmSync(work, { recursive: true, force: true }));
// Variables of an outer `npm test` (npm_config_*) would steer the inner npm (its prefix, for one).
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

function run(file: string, args: string[], env: NodeJS.ProcessEnv = ENV) {
  const t0 = Date.now();
  const r = spawnSync(file, args, { encoding: 'utf8', cwd: work, env, timeout: 300_000 });
  console.log(`${path.basename(file)} ${args.slice(0, 2).join(' ')}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const result = <T>(stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; result: T })
    .find((l) => l.type === 'result')!.result;

test('npm pack:cli → npm install -g into an empty prefix → transfer-studio lists layers and trains', () => {
  const packed = run(process.execPath, [path.join(ROOT, 'scripts/pack-cli.mjs')]);
  assert.equal(packed.code, 0, packed.stderr);
  const tarball = path.join(ROOT, 'out', packed.stdout.match(/(transfer-studio-[\d.]+\.tgz)/)![1]);
  const listing = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' }).stdout.trim().split('\n');
  assert.ok(listing.includes('package/dist/models/mobilenet_v2/model.json'), 'the built-in base is inside');
  assert.ok(listing.includes('package/dist/tfjs-backend-wasm-simd.wasm'));
  assert.deepEqual(
    listing.filter((f) => /\.(ts|map)$|\/src\/|node_modules/.test(f)),
    [],
    'no sources, maps or modules',
  );
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'out/cli-package/package.json'), 'utf8'));
  assert.deepEqual(Object.keys(manifest.dependencies), ['sharp'], 'only the native dependency the bundles load');

  const prefix = path.join(work, 'prefix');
  const install = run('npm', [
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
  assert.equal(install.code, 0, `npm install -g (npm's cache first, then the registry)\n${install.stderr}`);
  const bin = path.join(prefix, 'bin', 'transfer-studio');
  assert.ok(fs.realpathSync(bin).startsWith(fs.realpathSync(prefix)), 'the command is the installed one');

  const env = { ...ENV, TRANSFER_STUDIO_CACHE: path.join(work, 'cache'), TRANSFER_STUDIO_BACKEND: 'wasm' };
  const layers = run(bin, ['layers', 'mobilenet_v2', '--json'], env);
  assert.equal(layers.code, EXIT.ok, layers.stderr);
  assert.equal(result<{ layers: unknown[] }>(layers.stdout).layers.length, 162);

  const train = run(
    bin,
    [
      'train',
      fixture('digits-0-4'),
      ...tinySource(2),
      '--max-per-class',
      '30',
      '--out',
      path.join(work, 'runs'),
      '--json',
    ],
    env,
  );
  assert.equal(train.code, EXIT.ok, train.stderr);
  const run1 = result<{ runDir: string; transfer: { evaluation: { count: number } } }>(train.stdout);
  assert.ok(fs.existsSync(path.join(run1.runDir, 'model.json')), 'the run folder holds the model');
  assert.ok(run1.transfer.evaluation.count > 0);
});
