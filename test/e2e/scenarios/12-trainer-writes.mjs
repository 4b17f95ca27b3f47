// What the trainer the extension starts may touch: strace follows the extension host from before the first
// Fine-tune, so the trainer it forks is traced from its first call. Right-click → Fine-tune → Enter, Enter →
// "Training finished"; then the trainer's subtree (its threads and children) must have changed files only in
// the workspace's runs folder, the extension's global storage (the cache) and the sandbox's temp folder,
// nothing under HOME, and connected to nothing but loopback or Unix sockets — with ONNX Runtime (whose
// telemetry would write under HOME) computing the frozen part.
import fs from 'node:fs';
import path from 'node:path';
import { fineTuneWithDefaults } from '../lib/flows.mjs';
import { extensionLogs, runFolders, waitFor } from '../lib/runChecks.mjs';
import { extensionHostPid, traceFrom } from '../lib/traceTrainer.mjs';
import { waitForNotification } from '../lib/workbench.mjs';

export const settings = {};

export async function run({ page, sandbox, workspace, lap }) {
  const { dirs } = sandbox;
  const host = await waitFor(() => extensionHostPid(dirs.home), { timeout: 30_000, what: 'the extension host' });
  fs.mkdirSync(path.join(dirs.root, 'trace'));
  const trace = await traceFrom(host, path.join(dirs.root, 'trace', 't'));
  lap(`strace follows the extension host (pid ${host})`);
  await fineTuneWithDefaults(page, 'fashion-small', lap);
  lap(`notification: ${await waitForNotification(page, 'Training finished', 4 * 60_000)}`);
  const allowed = [
    path.join(workspace, '.transfer-studio/runs'),
    path.join(dirs.userData, 'User/globalStorage/transfer-studio.transfer-studio'),
    dirs.tmp,
  ];
  const v = await trace.judge('dist/trainer\\.js', dirs.home, allowed);
  lap(
    `trainer subtree: ${v.threads} threads, ${v.changes} changes; outside allowed ${v.outside.length}, under HOME ${v.underHome.length}, non-loopback connects ${v.remote.length}`,
  );
  const onnxruntime = extensionLogs(dirs.userData).some((f) =>
    /frozen part on onnxruntime-node/.test(fs.readFileSync(f, 'utf8')),
  );
  if (!onnxruntime) throw new Error('the log does not say the frozen part ran on onnxruntime-node');
  if (v.threads < 2 || v.changes === 0) throw new Error(`the trace did not follow the trainer: ${JSON.stringify(v)}`);
  const [runDir] = runFolders(workspace);
  const inRun = fs.readdirSync(runDir).length;
  const found = [...v.remote, ...v.outside, ...v.underHome];
  if (found.length)
    throw new Error(`the trainer wrote or connected where it may not:\n  ${found.slice(0, 20).join('\n  ')}`);
  return {
    'trainer threads': v.threads,
    changes: v.changes,
    'outside allowed': v.outside.length,
    'under HOME': v.underHome.length,
    'non-loopback connects': v.remote.length,
    'run files': inRun,
  };
}
