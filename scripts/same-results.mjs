// Runs the same fixed-epoch trainings, embedding and probe with two builds of the CLI and says whether their
// results are bit-identical (training is deterministic with a seed): for checking that a refactoring changed
// no result. Timings (seconds) are left out of the comparison; everything else must match byte for byte.
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
  const env = { ...process.env, TRANSFER_STUDIO_CACHE: path.join(work, side, 'cache'), TRANSFER_STUDIO_THREADS: '1' };
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
console.log(same ? 'all identical' : 'some results differ');
process.exit(same ? 0 : 1);
