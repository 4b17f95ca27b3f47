// sharp's run-time packages for a vsce target: sharp itself, its pure-JS dependencies and the native
// @img/sharp-<platform> (+ @img/sharp-libvips-<platform>) packages of that target. For this machine's own
// target they come from the repository's node_modules; for any other target npm installs them into a staging
// folder of their own with --os/--cpu/--libc (the shared node_modules is never touched). npm's cache serves
// them offline once it has seen them; the first time needs the registry (about 3 s per target here).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The targets a release is built for: every platform sharp and VS Code both ship for that users have. */
export const RELEASE_TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];

/** os, cpu and libc of a vsce target ("alpine-x64" is musl Linux). */
export function targetPlatform(target) {
  const [system, cpu] = target.split('-');
  if (system === 'alpine') return { os: 'linux', cpu, libc: 'musl' };
  return { os: system, cpu, libc: system === 'linux' ? 'glibc' : undefined };
}

/** Whether an optional platform package (its os/cpu/libc fields) belongs to a target. */
function fitsTarget(pkg, target) {
  const t = targetPlatform(target);
  return (
    (!pkg.os || pkg.os.includes(t.os)) &&
    (!pkg.cpu || pkg.cpu.includes(t.cpu)) &&
    (!pkg.libc || !t.libc || pkg.libc.includes(t.libc))
  );
}

/** A package and its production dependencies (and the optional ones that fit the target), flat. */
function closure(modulesDir, name, target, found = new Map()) {
  if (found.has(name)) return found;
  const dir = path.join(modulesDir, name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (!fitsTarget(pkg, target)) return found;
  found.set(name, dir);
  for (const dep of Object.keys(pkg.dependencies ?? {})) closure(modulesDir, dep, target, found);
  for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
    if (fs.existsSync(path.join(modulesDir, dep, 'package.json'))) closure(modulesDir, dep, target, found);
  }
  return found;
}

/**
 * sharp's run-time packages for `target` as a map name → folder. `localTarget` is this machine's target,
 * `root` the repository (its node_modules has sharp for this machine), `stagingDir` an empty folder for npm.
 */
export function sharpRuntime({ root, target, localTarget, stagingDir }) {
  if (target === localTarget) return closure(path.join(root, 'node_modules'), 'sharp', target);
  const version = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/sharp/package.json'), 'utf8')).version;
  const t = targetPlatform(target);
  fs.mkdirSync(stagingDir, { recursive: true });
  fs.writeFileSync(path.join(stagingDir, 'package.json'), '{"private":true}\n');
  // --ignore-scripts: sharp's install script would check the binary against this machine, not the target.
  const args = [
    'install',
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    '--prefer-offline',
    `--os=${t.os}`,
    `--cpu=${t.cpu}`,
    ...(t.libc ? [`--libc=${t.libc}`] : []),
    `sharp@${version}`,
  ];
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // Variables of an outer `npm run` (npm_config_*) would leak its settings into this install.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  execFileSync(npm, args, { cwd: stagingDir, stdio: ['ignore', 'ignore', 'inherit'], env });
  const found = closure(path.join(stagingDir, 'node_modules'), 'sharp', target);
  const native = [...found.keys()].filter((n) => n.startsWith('@img/sharp-'));
  if (native.length === 0) throw new Error(`npm staged no native sharp package for ${target} in ${stagingDir}`);
  return found;
}
