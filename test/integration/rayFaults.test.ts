// Faults on a real Ray: a worker killed mid-run, and a cluster of two nodes on this machine. The kill lands
// after an epoch the job has reported (its checkpoint is saved by then) and the test waits for the job's own
// restart line, never for time: on a loaded machine the same steps happen, only later.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import type { RunResult } from '../../src/shared/engineTypes';
import { pythonChildEnv } from '../../src/shared/privateEnv';
import { tempDir } from '../helpers/fixtures';
import { skipWithoutPython, testPython } from '../helpers/python';
import { alive, jobLines, ofType, rayRecipe, startTraining } from '../helpers/rayJob';

const skip = skipWithoutPython();
const work = tempDir('ray-faults');
after(() => fs.rmSync(work, { recursive: true, force: true }));
const cache = path.join(work, 'cache');
const ENV = { ...process.env, TRANSFER_STUDIO_CACHE: cache, TRANSFER_STUDIO_BACKEND: 'wasm' };
const EPOCHS = 6;

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

test(
  'a worker killed after a reported epoch: the group restarts, resumes after that epoch, the run finishes',
  { skip },
  async () => {
    const runs = path.join(work, 'runs-kill');
    const file = rayRecipe(work, 'kill', [`epochs: ${EPOCHS}`, 'patience: 0', `outputDir: ${runs}`]);
    const args = ['--recipe', file, '--ray', 'local', '--workers', '2', '--python', testPython()!];
    const run = startTraining(work, ENV, args, runs);
    // The job says an epoch ended only once its checkpoint is saved (job_checkpoint.py).
    const before = await run.until('an epoch ended', () => {
      const lines = jobLines(runs);
      const epoch = ofType(lines, 'epoch').at(-1);
      return epoch ? { epoch: epoch.metrics.epoch, group: ofType(lines, 'workers').at(-1)! } : undefined;
    });
    assert.equal(before.group.workers.length, 2);
    const killed = before.group.workers[1].pid;
    process.kill(killed, 'SIGKILL');

    const resumed = await run.until('the restart', () => ofType(jobLines(runs), 'resumed')[0]);
    assert.equal(resumed.phase, 1);
    assert.ok(resumed.epoch >= before.epoch, `resumed after epoch ${resumed.epoch}, killed after ${before.epoch}`);
    assert.equal(await run.exit, 0, run.why());

    const groups = ofType(jobLines(runs), 'workers');
    assert.equal(groups.length, 2, 'one worker group before the kill, one after');
    assert.ok(!groups[1].workers.some((w) => w.pid === killed), 'the killed worker was replaced');
    const result = run.output().find((l) => l.type === 'result')!.result as RunResult;
    assert.equal(readJson<{ status: string }>(path.join(result.runDir, 'run.json')).status, 'finished');
    // Every epoch once: the history before the kill came back from the checkpoint, the rest trained after it.
    assert.deepEqual(
      result.transfer.history.map((h) => h.epoch),
      Array.from({ length: EPOCHS }, (_, i) => i + 1),
    );
  },
);

/** A port nobody listens on now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** `ray start … --block` of one node with its own temp folder, one CPU and a small object store. */
function rayNode(name: string, join: string[]): ChildProcess {
  const ray = path.join(path.dirname(testPython()!), 'ray');
  const own = ['--temp-dir', path.join('/tmp', `ts-${process.pid}-${name}`), '--num-cpus', '1'];
  const small = ['--object-store-memory', String(100 * 2 ** 20), '--disable-usage-stats', '--block'];
  const log = fs.openSync(path.join(work, `${name}.log`), 'w');
  // Its own process group: the node's processes are stopped with it, by its id, never with `ray stop`.
  return spawn(ray, ['start', ...join, ...own, ...small], {
    env: pythonChildEnv(process.env, cache, {}),
    stdio: ['ignore', log, log],
    detached: true,
  });
}

/** Waits for a node's `ray start` to say its runtime started (or fails with its log when it exits first). */
async function started(name: string, node: ChildProcess): Promise<void> {
  const log = path.join(work, `${name}.log`);
  while (!fs.readFileSync(log, 'utf8').includes('Ray runtime started')) {
    if (node.exitCode !== null) throw new Error(`ray start (${name}) exited: ${fs.readFileSync(log, 'utf8')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function stopNode(node: ChildProcess): Promise<void> {
  if (node.exitCode !== null || node.signalCode !== null) return;
  const gone = new Promise((r) => node.on('exit', r));
  process.kill(-node.pid!, 'SIGTERM');
  await gone;
}

test('a second Ray node started on this machine gets a worker too', { skip }, async () => {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const head = rayNode('head', ['--head', '--port', String(port), '--include-dashboard', 'false']);
  const nodes = [head];
  try {
    // `ray start` says so once its node has registered with the head.
    await started('head', head);
    nodes.push(rayNode('second', ['--address', address]));
    await started('second', nodes[1]);
    const runs = path.join(work, 'runs-two-nodes');
    // Without a test split, too (the only Ray run in the suite that has none): evaluated on validation.
    const file = rayRecipe(work, 'two-nodes', ['epochs: 2', 'testSplit: 0', `outputDir: ${runs}`]);
    const args = ['--recipe', file, '--ray', address, '--workers', '2', '--python', testPython()!];
    const run = startTraining(work, ENV, args, runs);
    assert.equal(await run.exit, 0, run.why());
    const cluster = ofType(jobLines(runs), 'cluster')[0];
    assert.deepEqual([cluster.nodes, cluster.cpus], [2, 2]);
    const group = ofType(jobLines(runs), 'workers')[0];
    assert.equal(new Set(group.workers.map((w) => w.node)).size, 2, JSON.stringify(group.workers));
    const result = run.output().find((l) => l.type === 'result')!.result as RunResult;
    assert.equal(readJson<{ status: string }>(path.join(result.runDir, 'run.json')).status, 'finished');
    assert.equal(result.split.test, 0);
    assert.equal(result.transfer.evaluatedOn, 'validation');
    assert.equal(result.transfer.evaluation.count, result.split.validation);
    const evaluation = readJson<{ evaluatedOn: string }>(path.join(result.runDir, 'evaluation.json'));
    assert.equal(evaluation.evaluatedOn, 'validation');
  } finally {
    for (const node of nodes.reverse()) await stopNode(node);
  }
  assert.deepEqual(
    nodes.map((n) => alive(n.pid!)),
    [false, false],
  );
});
