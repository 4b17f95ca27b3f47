// Runs the same fixed-epoch trainings, embedding and probe with two builds of the CLI and says whether their
// results are bit-identical (training is deterministic with a seed): for checking that a refactoring changed
// no result. Timings (seconds) are left out of the comparison; everything else must match byte for byte,
// the feature caches included (folder names are the cache keys, file names the examples' keys).
// A cut's cache key holds the base's key, which hashes the weight files' times: give the two builds'
// dist/models the same times (touch -r) or every folder name differs.
// Usage: node scripts/same-results.mjs <old dist/cli.js> <new dist/cli.js> [work folder] [--reuse]
// (--reuse compares the outputs already in the work folder without running anything).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const reuse = process.argv.includes('--reuse');
const [oldCli, newCli, work = fs.mkdtempSync(path.join(os.tmpdir(), 'same-results-'))] = process.argv
  .slice(2)
  .filter((a) => a !== '--reuse');
if (!oldCli || !newCli) {
  console.error('usage: node scripts/same-results.mjs <old dist/cli.js> <new dist/cli.js> [work folder]');
  process.exit(2);
}
const fixtures = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'generated');
const fashion = path.join(fixtures, 'fashion-small');
const digits = path.join(fixtures, 'digits-5-9');

/** Each case: CLI arguments (OUT is replaced by its output folder) and what it writes. */
const CASES = {
  'transfer + second phase': [
    ['train', fashion, '--epochs', '2', '--second-phase-from', 'block_16_expand', '--second-phase-epochs', '1'],
    ['--batch-size', '16', '--seed', '7', '--out', 'OUT', '--name', 'run'],
  ].flat(),
  'source CNN': [
    ['train', digits, '--source', '--input-size', '28', '--channels', '1', '--epochs', '2'],
    ['--max-per-class', '40', '--seed', '7', '--out', 'OUT', '--name', 'run'],
  ].flat(),
  embed: ['embed', fashion, '--out', 'OUT', '--seed', '7'],
  probe: ['probe', fashion, '--bases', 'mobilenet_v2', '--seed', '7', '--json'],
  // The frozen part on WASM with a worker thread beside the main one (the feature pool), in its own cache.
  'embed on 2 WASM threads': ['embed', fashion, '--out', 'OUT', '--seed', '7'],
};

/** Environment of a case beyond the common one: its own cache folder, runtime and threads. */
const CASE_ENV = {
  'embed on 2 WASM threads': {
    TRANSFER_STUDIO_FROZEN_RUNTIME: 'tfjs',
    TRANSFER_STUDIO_THREADS: '2',
    cache: 'cache-wasm',
  },
};

const TIMING_KEYS =
  /seconds|Seconds|timings|created|imagesPerSec|etaSeconds|runDir|outputDir|title|csvPath|npyPath|runtime|detail/;

/** JSON without timings, the folders and names of this run, the runtime's description; keys in their order. */
function stable(value) {
  return JSON.stringify(asVersion2(value), (k, v) => (TIMING_KEYS.test(k) ? undefined : sortedKeys(v)));
}

const sortedKeys = (v) =>
  v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v;

/** run.json version 1 said `preprocessing` where version 2 says `input` (an image input): compare as version 2. */
function asVersion2(value) {
  if (value?.version !== 1 || !value.preprocessing) return value;
  const { preprocessing, ...rest } = value;
  return { ...rest, version: 2, input: { kind: 'image', ...preprocessing } };
}

function run(cli, name, args, side) {
  const out = path.join(work, side, name.replace(/\W+/g, '-'));
  if (reuse) return { out, stdout: fs.existsSync(`${out}.stdout`) ? fs.readFileSync(`${out}.stdout`, 'utf8') : '' };
  fs.mkdirSync(out, { recursive: true });
  const { cache = 'cache', ...own } = CASE_ENV[name] ?? {};
  const env = {
    ...process.env,
    TRANSFER_STUDIO_CACHE: path.join(work, side, cache),
    TRANSFER_STUDIO_THREADS: '1',
    ...own,
  };
  const stdout = execFileSync(process.execPath, [cli, ...args.map((a) => (a === 'OUT' ? out : a))], {
    env,
    maxBuffer: 64 << 20,
  }).toString();
  fs.writeFileSync(`${out}.stdout`, stdout);
  return { out, stdout };
}

/** Every file under dir as relative path → comparable content. */
function contents(dir) {
  const files = {};
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const rel = path.relative(dir, p).replace(/^[^/]*-run(\/|$)/, 'run$1');
        const raw = fs.readFileSync(p);
        files[rel] = /\.json$/.test(p) ? stable(JSON.parse(raw.toString())) : raw.toString('base64');
      }
    }
  };
  walk(dir);
  return files;
}

let same = true;
for (const [name, args] of Object.entries(CASES)) {
  const a = run(oldCli, name, args, 'old');
  const b = run(newCli, name, args, 'new');
  const [fa, fb] = [contents(a.out), contents(b.out)];
  const lastLine = (s) => stable(JSON.parse(s.trim().split('\n').pop() || 'null'));
  const differ = [...new Set([...Object.keys(fa), ...Object.keys(fb)])].filter((f) => fa[f] !== fb[f]);
  if (args.includes('--json') && lastLine(a.stdout) !== lastLine(b.stdout)) differ.push('(stdout result)');
  console.log(
    `${name}: ${differ.length === 0 ? 'identical' : `DIFFERENT ${differ.join(', ')}`} (${Object.keys(fa).length} files)`,
  );
  same &&= differ.length === 0;
}
// The feature caches: the same folders (the cache key of each cut), the same files (each example's key), the
// same vectors; a changed key would leave users' caches cold.
for (const cache of ['cache', 'cache-wasm']) {
  const [fa, fb] = ['old', 'new'].map((side) => {
    const dir = path.join(work, side, cache, 'features');
    return fs.existsSync(dir) ? contents(dir) : {};
  });
  const differ = [...new Set([...Object.keys(fa), ...Object.keys(fb)])].filter((f) => fa[f] !== fb[f]);
  const folders = new Set(Object.keys(fa).map((f) => f.split('/')[0])).size;
  const verdict = differ.length === 0 ? 'identical' : `DIFFERENT ${differ.slice(0, 5).join(', ')}`;
  console.log(`feature cache ${cache}: ${verdict} (${folders} folders, ${Object.keys(fa).length} files)`);
  same &&= differ.length === 0 && Object.keys(fa).length > 0;
}
console.log(same ? 'all identical' : 'some results differ');
process.exit(same ? 0 : 1);
