// Activation in a workspace that already holds many runs (issue 17: "keep activation free of synchronous disk
// scans; measure activation time"). The CLI trains one small run into the workspace, which is then copied to
// RUNS run folders; "Developer: Reload Window", then the Transfer Studio side bar activates the extension.
// Reported, not asserted (a timed assertion fails on a loaded machine): the activation time the extension
// logged. Checked: the Runs view lists the newest run, and the extension was activated by the view, once.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { extensionLogs, runFolders, waitFor } from '../lib/runChecks.mjs';
import { openViewContainer, runCommand, treeRow, viewPane } from '../lib/workbench.mjs';

const RUNS = 60;
export const timeoutMs = 3 * 60_000;

const activations = (userData) =>
  extensionLogs(userData).flatMap((f) =>
    [...fs.readFileSync(f, 'utf8').matchAll(/activated in (\d+) ms/g)].map((m) => Number(m[1])),
  );

export async function run({ page, workspace, sandbox, root, lap }) {
  // A real run folder, made by the CLI on the same engine; its copies differ only in their folder names.
  execFileSync(
    process.execPath,
    [
      path.join(root, 'dist', 'cli.js'),
      'train',
      path.join(workspace, 'fashion-small'),
      ...[
        '--source',
        '--epochs',
        '1',
        '--second-phase',
        'off',
        '--out',
        path.join(workspace, '.transfer-studio', 'runs'),
      ],
    ],
    { stdio: 'pipe', timeout: 120_000 },
  );
  const [made] = runFolders(workspace);
  if (!made) throw new Error('the CLI made no run folder');
  const runsDir = path.dirname(made);
  for (let i = 1; i < RUNS; i++) {
    const name = `20250101-${String(i).padStart(6, '0')}-copy`;
    fs.cpSync(made, path.join(runsDir, name), { recursive: true });
  }
  lap(`${runFolders(workspace).length} run folders in the workspace (1 trained by the CLI, copied)`);
  const before = activations(sandbox.dirs.userData).length;

  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60_000 });
  await runCommand(page, 'Developer: Reload Window');
  await navigated;
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90_000 });
  await openViewContainer(page, 'Transfer Studio');
  const runs = await viewPane(page, 'Runs');
  await treeRow(runs, path.basename(made)).first().waitFor({ timeout: 60_000 });
  const logged = await waitFor(
    () => {
      const all = activations(sandbox.dirs.userData);
      return all.length > before ? all.slice(before) : undefined;
    },
    { timeout: 30_000, interval: 250, what: 'an "activated in N ms" line after the reload' },
  );
  if (logged.length !== 1)
    throw new Error(`activated ${logged.length} times after the reload: ${logged.join(', ')} ms`);
  lap(`activation with ${RUNS} run folders: ${logged[0]} ms (as logged by activate())`);
  return { 'run folders': RUNS, 'activation ms': logged[0] };
}
