// End-to-end suite: the packaged VSIX in a real VS Code (code-server) driven by headless Chromium.
// Packages the VSIX (or takes E2E_VSIX), checks its contents, then runs every test/e2e/scenarios/*.mjs in its
// own sandbox: fresh user settings, fresh extensions folder with the VSIX installed by
// `code-server --install-extension`, a workspace holding a copy of the Fashion-MNIST fixture, its own
// code-server and browser. Prints "N passed, M failed" last and exits 0 or 1.
//
//   node test/e2e/run.mjs [part-of-scenario-name ...]
//   E2E_VSIX=<file>  use that VSIX instead of running `npm run package`
//   E2E_KEEP=1       keep each sandbox (user-data/logs, workspace, run folders)
//   E2E_ARTIFACTS    screenshots and logs (default test-results/e2e)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearTimeout } from 'node:timers';
import { pathToFileURL } from 'node:url';
import { createSandbox, installVsix, removeSandbox, startCodeServer } from './lib/codeServer.mjs';
import { extensionLogs } from './lib/runChecks.mjs';
import { checkVsix, currentTarget, listVsix, vsixFileName } from '../../scripts/vsixCheck.mjs';
import { launchBrowser, openWorkbench } from './lib/workbench.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const artifacts = path.resolve(root, process.env.E2E_ARTIFACTS || 'test-results/e2e');
const fixture = path.join(root, 'test/fixtures/generated/fashion-small');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const filters = process.argv.slice(2);
// Screenshots and logs of an earlier run would pass for this run's: remove them (only those: the folder
// may be one the user named).
fs.mkdirSync(artifacts, { recursive: true });
for (const f of fs.readdirSync(artifacts).filter((f) => /\.(png|log)$/.test(f))) fs.rmSync(path.join(artifacts, f));

// Short runs: CI has 2 cores. Batch 8 gives 9 steps per epoch on the 72 training images, enough for
// 3 epochs to show learning (batch 32 gives 3 steps and a flat validation accuracy). The automatic second
// phase is off: the scenarios check the head-only freeze and timings; the automatic flow has tests of its own.
const COMMON_SETTINGS = {
  'transferStudio.epochs': 3,
  'transferStudio.batchSize': 8,
  'transferStudio.secondPhase': 'off',
};
const DEFAULT_TIMEOUT = 5 * 60_000;

const suiteStart = Date.now();
const results = [];
const since = (t) => ((Date.now() - t) / 1000).toFixed(1);

/** Runs `fn` as one test: prints PASS/FAIL with its time and any numbers it returns. */
async function test(name, fn) {
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  try {
    const numbers = (await fn()) ?? {};
    results.push({ name, ok: true, seconds: since(started), numbers });
    console.log(`✔ PASS ${name} (${since(started)} s)`);
  } catch (err) {
    // CI logs are often read from their tail: the summary repeats the first line of the reason.
    const reason = String(err?.message ?? err)
      .split('\n')[0]
      .slice(0, 240);
    results.push({ name, ok: false, seconds: since(started), numbers: {}, reason });
    console.log(`✘ FAIL ${name} (${since(started)} s): ${err?.stack ?? err}`);
  }
}

function ensureFixture() {
  if (fs.existsSync(fixture)) return;
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/prepare-fixtures.ts'], { cwd: root, stdio: 'inherit' });
}

/** `npm run package` into a folder of this run's own; removed when the process exits. */
function packageVsix() {
  if (process.env.E2E_VSIX) return path.resolve(process.env.E2E_VSIX);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transfer-studio-vsix-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const vsix = path.join(dir, vsixFileName(manifest, process.env.VSCE_TARGET || currentTarget()));
  execFileSync(process.execPath, ['scripts/package.mjs', '--out', vsix], { cwd: root, stdio: 'inherit' });
  return vsix;
}

/** Rejects after `ms` so a stuck scenario fails with a screenshot instead of hanging CI. */
function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One scenario in its own sandbox, code-server and browser. */
async function runScenario(file, vsix) {
  const name = path.basename(file, '.mjs');
  const scenario = await import(pathToFileURL(file).href);
  const sandbox = createSandbox({
    settings: { ...COMMON_SETTINGS, ...scenario.settings },
    // A scenario's own data is written before the workbench opens: files made later reach the Explorer
    // only through the file watcher, which is slow on a cold machine.
    populate: (ws) => {
      fs.cpSync(fixture, path.join(ws, 'fashion-small'), { recursive: true });
      scenario.populate?.(ws);
    },
  });
  const started = Date.now();
  let lastStep = 'the sandbox';
  const lap = (msg) => {
    lastStep = msg.split('\n')[0].slice(0, 80);
    console.log(`  [${since(started)} s] ${msg}`);
  };
  let server;
  let browser;
  let page;
  try {
    const installed = installVsix(sandbox, vsix);
    if (!/successfully installed/i.test(installed)) throw new Error(`--install-extension said: ${installed}`);
    lap(
      `VSIX installed into a fresh extensions folder (${fs
        .readdirSync(sandbox.dirs.extensions)
        .filter((d) => !d.startsWith('.') && d !== 'extensions.json')
        .join(', ')})`,
    );
    server = await startCodeServer(sandbox, path.join(artifacts, `${name}-code-server.log`));
    lap(`code-server listening at ${server.url}`);
    browser = await launchBrowser(sandbox.env);
    const opened = await openWorkbench(browser, server.url, sandbox.dirs.workspace);
    page = opened.page;
    lap('workbench ready');
    const ctx = {
      page,
      sandbox,
      workspace: sandbox.dirs.workspace,
      dataFolder: path.join(sandbox.dirs.workspace, 'fashion-small'),
      consoleErrors: opened.consoleErrors,
      artifacts,
      root,
      vsix,
      lap,
      screenshot: (label) => page.screenshot({ path: path.join(artifacts, `${name}-${label}.png`) }),
    };
    const numbers = await withTimeout(scenario.run(ctx), scenario.timeoutMs ?? DEFAULT_TIMEOUT, name);
    // A webview whose CSP blocks our own script, style or image is broken even when the flow happened to
    // pass. Chromium 156 words it "Loading the script '…' violates the following Content Security Policy
    // directive …"; older versions "Refused to load …".
    const csp = opened.consoleErrors.filter((e) => /Refused to|Content Security Policy/.test(e));
    if (csp.length) throw new Error(`CSP violations in the console:\n  ${csp.join('\n  ')}`);
    if (opened.consoleErrors.length)
      lap(
        `console errors (not failing): ${opened.consoleErrors.length}\n    ${opened.consoleErrors.slice(0, 5).join('\n    ')}`,
      );
    return numbers;
  } catch (err) {
    const shown = page ?? browser?.contexts()[0]?.pages()[0]; // the workbench may have failed to open
    if (shown) {
      const shot = path.join(artifacts, `${name}-failure.png`);
      await shown.screenshot({ path: shot }).catch(() => {});
      console.log(`  screenshot: ${path.relative(root, shot)}`);
    }
    // The summary shows the first line of the reason: say how far the scenario got.
    if (err instanceof Error) err.message = err.message.replace(/^.*/, (first) => `${first} (after: ${lastStep})`);
    throw err;
  } finally {
    for (const [i, log] of extensionLogs(sandbox.dirs.userData).entries()) {
      fs.copyFileSync(log, path.join(artifacts, `${name}-transfer-studio${i ? `-${i}` : ''}.log`));
    }
    await browser?.close().catch(() => {});
    await server?.stop();
    removeSandbox(sandbox);
  }
}

ensureFixture();
let vsix;
await test('package: npm run package builds the VSIX', async () => {
  const t = Date.now();
  vsix = packageVsix();
  return { 'VSIX MB': +(fs.statSync(vsix).size / 1024 / 1024).toFixed(2), 'package s': +since(t) };
});
await test('package: VSIX holds what runs and nothing else', () => {
  const problems = checkVsix(listVsix(vsix), manifest, {
    target: process.env.VSCE_TARGET || currentTarget(),
    hasSchemas: fs.existsSync(path.join(root, 'schemas')),
  });
  if (problems.length) throw new Error(problems.join('\n'));
});

const scenarioDir = path.join(import.meta.dirname, 'scenarios');
const scenarioFiles = fs
  .readdirSync(scenarioDir)
  .filter((f) => f.endsWith('.mjs'))
  .sort()
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .map((f) => path.join(scenarioDir, f));
const skipped = [];
for (const file of scenarioFiles) {
  // A scenario may export `skip` with the reason it cannot pass today; the summary names it.
  const { skip } = await import(pathToFileURL(file).href);
  if (skip) {
    skipped.push(path.basename(file, '.mjs'));
    console.log(`- SKIP ${path.basename(file)}: ${skip}`);
    continue;
  }
  if (!vsix || !fs.existsSync(vsix)) {
    results.push({ name: path.basename(file, '.mjs'), ok: false, seconds: '0.0', numbers: {}, reason: 'no VSIX' });
    console.log(`✘ FAIL ${path.basename(file)}: no VSIX to install`);
    continue;
  }
  await test(path.basename(file, '.mjs'), () => runScenario(file, vsix));
}

console.log('\nSummary:');
for (const r of results) {
  const numbers = Object.entries(r.numbers)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const detail = r.ok ? (numbers ? `  (${numbers})` : '') : r.reason ? `: ${r.reason}` : '';
  console.log(`  ${r.ok ? 'pass' : 'FAIL'}  ${r.seconds.padStart(6)} s  ${r.name}${detail}`);
}
console.log(`  total ${since(suiteStart)} s; artifacts in ${path.relative(root, artifacts)}/`);
const passed = results.filter((r) => r.ok).length;
for (const name of skipped) console.log(`  skip           ${name}`);
console.log(
  `${passed} passed, ${results.length - passed} failed${skipped.length ? `, ${skipped.length} skipped` : ''}`,
);
process.exit(passed === results.length ? 0 : 1);
