// `npm run readme`: regenerates the README's pictures and measured figures from this version, outside CI (it
// takes several minutes; run it niced on a quiet machine). Each lands between `<!-- readme:NAME -->` markers
// (scripts/readmeBlocks.mjs); the stamp says which version and commit they come from.
// - walkthrough pictures (media/walkthrough/*.png): e2e scenario 09 in a real VS Code, the default flow
//   (E2E_SAVE_PICTURES=1), from the VSIX packaged here;
// - the VSIX's and the CLI tarball's sizes (npm run package, npm run pack:cli), for this machine's platform;
// - the demo's table (`transfer-studio demo`), and, when this runs as root with Debian's Fashion-MNIST
//   installed, the row a machine without it prints (the same demo with that folder hidden in a mount namespace).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { blockContent, demoRow, demoTable, megabytes, replaceBlock } from './readmeBlocks.mjs';
import { currentTarget, vsixFileName } from './vsixCheck.mjs';

const root = path.resolve(import.meta.dirname, '..');
const README = path.join(root, 'README.md');
const FASHION = '/usr/share/datasets/fashion-mnist';
const PRETRAINED = 'pre-trained:';
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'transfer-studio-readme-'));
const node = process.execPath;
const load = () => os.loadavg()[0].toFixed(1);

/** Runs a command in the repository, its output shown; throws when it fails. */
function run(what, command, args, env = {}) {
  console.log(`\n── ${what}: ${command} ${args.join(' ')}`);
  execFileSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
}

/** The demo's stdout (its table), its stderr shown; `hideFashion` runs it as a machine without Fashion-MNIST. */
function demo(out, hideFashion) {
  const cli = [path.join(root, 'dist/cli.js'), 'demo', '--out', out];
  const [command, args] = hideFashion
    ? ['unshare', ['-m', 'sh', '-c', `mount --bind "$0" ${FASHION} && exec "$@"`, emptyDir(), node, ...cli]]
    : [node, cli];
  console.log(`\n── demo${hideFashion ? ` with ${FASHION} hidden` : ''} (load ${load()})`);
  const r = spawnSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  process.stderr.write(r.stderr);
  if (r.status !== 0) throw new Error(`demo exited with ${r.status}:\n${r.stdout}`);
  console.log(r.stdout);
  // Issue 24 counts what the demo says on stderr: report it beside the table.
  const lines = r.stderr.split('\n').filter(Boolean);
  console.log(`demo stderr: ${lines.length} lines, widest ${Math.max(0, ...lines.map((l) => l.length))} characters`);
  return r.stdout;
}

function emptyDir() {
  const dir = path.join(work, 'empty');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function git(...args) {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
}

/** Which version the figures come from: version, commit (and whether the tree differs), platform, date. */
function stamp(target) {
  const dirty = git('status', '--porcelain', '--untracked-files=no') ? ', with uncommitted changes' : '';
  const day = new Date().toISOString().slice(0, 10);
  return `version ${manifest.version} (commit ${git('rev-parse', '--short', 'HEAD')}${dirty}, ${target}), ${day}`;
}

try {
  const target = currentTarget();
  // Taken first: the pictures this run writes would make the tree differ from the commit.
  const version = stamp(target);
  run('build', 'npm', ['run', 'build']);
  const vsix = path.join(work, vsixFileName(manifest, target));
  run('VSIX', node, ['scripts/package.mjs', '--out', vsix]);
  run('CLI tarball', 'npm', ['run', 'pack:cli']);
  const tarball = path.join(root, 'out', `transfer-studio-${manifest.version}-${target}.tgz`);
  run('walkthrough pictures (e2e 09, default flow)', node, ['test/e2e/run.mjs', '09-'], {
    E2E_SAVE_PICTURES: '1',
    E2E_VSIX: vsix,
  });
  const started = Date.now();
  const table = demoTable(demo(path.join(work, 'demo'), false));
  const demoSeconds = Math.round((Date.now() - started) / 1000);
  // The other run's columns have their own widths: its row goes under its own header.
  const otherTable =
    process.getuid?.() === 0 && fs.existsSync(FASHION) ? demoTable(demo(path.join(work, 'demo-mnist'), true)) : '';
  const withoutFashion = otherTable ? demoRow(otherTable, PRETRAINED) : undefined;

  let text = fs.readFileSync(README, 'utf8');
  text = replaceBlock(text, 'vsix-size', megabytes(fs.statSync(vsix).size));
  text = replaceBlock(text, 'cli-size', megabytes(fs.statSync(tarball).size));
  const note = `One run of this version, ${demoSeconds} s in all on ${os.cpus().length} cores (load ${load()}):`;
  text = replaceBlock(text, 'demo', `\n${note}\n\n\`\`\`\n${table}\n\`\`\`\n`);
  if (withoutFashion) {
    const header = otherTable.split('\n').slice(0, 2).join('\n');
    text = replaceBlock(text, 'demo-mnist', `\n\`\`\`\n${header}\n${withoutFashion}\n\`\`\`\n`);
  } else console.log(`The row without Fashion-MNIST stays as it was (needs root and ${FASHION}).`);
  text = replaceBlock(text, 'stamp', version);
  fs.writeFileSync(README, text);
  run('format', 'npx', ['prettier', '--write', 'README.md']);
  console.log(`\nREADME.md regenerated: ${blockContent(text, 'stamp')}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
