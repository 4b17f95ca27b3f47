// A measurement, not a test (never run by CI or `npm run test:e2e`): how long activate() takes in a real
// VS Code with 60 image runs in the workspace, against 60 image runs and 60 text runs (issue 26: text runs
// must not make activation slower). The two conditions alternate ABBA-wise over ROUNDS reloads each; between
// reloads the text runs move in or out of the runs folder by a rename. Each time is the extension's own
// "activated in N ms" line, read from the newest log file. Prints every reading, then median and minimum.
// The 120 run folders take the CLI a minute or two: `--prepare DIR` makes them once (outside a timed hold),
// `--from DIR` copies them into each measurement's workspace; `--until HH:MM` (UTC) starts no reload after it.
//
//   bash test/e2e/setup-code-server.sh && npm run package && npm run build
//   node test/e2e/measure/activationText.mjs --prepare /tmp/activation-runs
//   E2E_VSIX=transfer-studio-0.2.0-linux-x64.vsix \
//     node test/e2e/measure/activationText.mjs 7 --from /tmp/activation-runs --until 01:47
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSandbox, installVsix, removeSandbox, startCodeServer } from '../lib/codeServer.mjs';
import { extensionLogs, runFolders, waitFor } from '../lib/runChecks.mjs';
import { writeTextClasses } from '../lib/textData.mjs';
import { launchBrowser, openViewContainer, openWorkbench, runCommand } from '../lib/workbench.mjs';

const root = path.resolve(import.meta.dirname, '../../..');
const RUNS = 60;
const option = (name) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : path.resolve(process.argv[i + 1]);
};
const ROUNDS = Number(/^\d+$/.test(process.argv[2] ?? '') ? process.argv[2] : 7);

const cli = (...args) =>
  execFileSync(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], { stdio: 'pipe' });

/** 60 copies of one image run in the runs folder, 60 of one text run parked beside it. */
function makeRuns(workspace) {
  const runsDir = path.join(workspace, '.transfer-studio', 'runs');
  const parked = path.join(workspace, '.transfer-studio', 'parked');
  fs.cpSync(path.join(root, 'test/fixtures/generated/fashion-small'), path.join(workspace, 'fashion-small'), {
    recursive: true,
  });
  writeTextClasses(path.join(workspace, 'speeches'), 20);
  cli(
    'train',
    path.join(workspace, 'fashion-small'),
    '--source',
    '--epochs',
    '1',
    '--second-phase',
    'off',
    '--out',
    runsDir,
  );
  const [image] = runFolders(workspace);
  for (let i = 1; i < RUNS; i++)
    fs.cpSync(image, path.join(runsDir, `20250101-${String(i).padStart(6, '0')}-copy`), { recursive: true });
  cli('train', path.join(workspace, 'speeches'), '--out', parked);
  const [text] = fs.readdirSync(parked).map((n) => path.join(parked, n));
  for (let i = 1; i < RUNS; i++)
    fs.cpSync(text, path.join(parked, `20250102-${String(i).padStart(6, '0')}-copy-text`), { recursive: true });
}

/** The last "activated in N ms" of the newest log file, and how many such lines all logs hold. */
function activations(userData) {
  const logs = extensionLogs(userData).sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs);
  const lines = logs.map((f) => [...fs.readFileSync(f, 'utf8').matchAll(/activated in (\d+) ms/g)].map((m) => m[1]));
  return { count: lines.flat().length, last: Number(lines.at(-1)?.at(-1)) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

const prepare = option('--prepare');
if (prepare) {
  fs.mkdirSync(prepare, { recursive: true });
  makeRuns(prepare);
  console.log(`${fs.readdirSync(path.join(prepare, '.transfer-studio', 'runs')).length} image runs in ${prepare}`);
  process.exit(0);
}
const from = option('--from');
// --until HH:MM (UTC): no reload starts after it, so a timed hold ends when the machine is wanted again.
const untilArg = process.argv[process.argv.indexOf('--until') + 1];
const until = process.argv.includes('--until')
  ? new Date(`${new Date().toISOString().slice(0, 10)}T${untilArg}:00Z`).getTime()
  : undefined;
const vsix = process.env.E2E_VSIX && path.resolve(process.env.E2E_VSIX);
if (!vsix || !fs.existsSync(vsix)) throw new Error('E2E_VSIX must name a packaged VSIX (npm run package)');
const populate = (workspace) => (from ? fs.cpSync(from, workspace, { recursive: true }) : makeRuns(workspace));
const sandbox = createSandbox({ populate });
const workspace = sandbox.dirs.workspace;
const runsDir = path.join(workspace, '.transfer-studio', 'runs');
const parked = path.join(workspace, '.transfer-studio', 'parked');
const texts = fs.readdirSync(parked);
let server;
let browser;
try {
  installVsix(sandbox, vsix);
  server = await startCodeServer(sandbox, path.join(sandbox.dirs.root, 'code-server.log'));
  browser = await launchBrowser(sandbox.env);
  const { page } = await openWorkbench(browser, server.url, workspace);
  console.log(`${RUNS} image runs; ${texts.length} text runs parked; load ${load()}`);
  const results = { image: [], both: [] };
  // ABBA: both, image, image, both, … so neither condition always comes first after a warm-up.
  const order = Array.from({ length: 2 * ROUNDS }, (_, i) => (Math.floor((i + 1) / 2) % 2 === 0 ? 'both' : 'image'));
  for (const [round, condition] of order.entries()) {
    if (until && Date.now() > until) {
      console.log(`stopped before round ${round}: past --until ${untilArg}`);
      break;
    }
    const [out, into] = condition === 'both' ? [parked, runsDir] : [runsDir, parked];
    for (const n of texts) if (fs.existsSync(path.join(out, n))) fs.renameSync(path.join(out, n), path.join(into, n));
    const before = activations(sandbox.dirs.userData).count;
    const navigated = page.waitForEvent('framenavigated', {
      predicate: (f) => f === page.mainFrame(),
      timeout: 60_000,
    });
    await runCommand(page, 'Developer: Reload Window');
    await navigated;
    await page.locator('.activitybar').first().waitFor({ timeout: 90_000 });
    // Nothing in this workspace is a recipe: the view activates the extension, as a user opening it does.
    await openViewContainer(page, 'Transfer Studio');
    const ms = await waitFor(
      () => {
        const now = activations(sandbox.dirs.userData);
        return now.count > before ? now.last : undefined;
      },
      { timeout: 90_000, interval: 250, what: 'an activation line' },
    );
    results[condition].push(ms);
    const folders = fs.readdirSync(runsDir).length;
    const what = condition === 'both' ? '60 image + 60 text' : '60 image';
    console.log(`round ${round}: ${what} (${folders} folders): ${ms} ms; load ${load()}`);
  }
  for (const [condition, xs] of Object.entries(results))
    console.log(`${condition}: ${xs.join(', ')} ms; median ${median(xs)}, min ${Math.min(...xs)}`);
  console.log(`ACTIVATION ${JSON.stringify(results)}`);
} finally {
  await browser?.close().catch(() => {});
  await server?.stop();
  removeSandbox(sandbox);
}
