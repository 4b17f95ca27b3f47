// The peers of `npm run bench -- --native`: a plain Keras 3 script (peers/keras_finetune.py, run by
// TRANSFER_STUDIO_PYTHON) and tfjs-node (native TensorFlow, installed or built by scripts/build-tfjs-node.ts).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { nodeChildEnv, pythonChildEnv } from '../shared/privateEnv';
import type { JobResult } from './peerJobs';
import { builtTfjsNode, tfjsNodeBuildDir } from './tfjsNodeBuild';

const run = promisify(execFile);

/** A peer's answer, or why there is none. */
type PeerRun<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface KerasJob {
  seconds: number;
  macs?: number;
  keras?: string;
  tensorflow?: string;
}

/** Runs peers/keras_finetune.py with TRANSFER_STUDIO_PYTHON; the last stdout line is its JSON. */
export async function kerasJob(args: string[], cacheDir: string): Promise<PeerRun<KerasJob>> {
  const python = process.env.TRANSFER_STUDIO_PYTHON;
  if (!python) return { ok: false, reason: 'TRANSFER_STUDIO_PYTHON is not set' };
  const script = path.resolve(__dirname, '../src/bench/peers/keras_finetune.py');
  if (!fs.existsSync(script)) return { ok: false, reason: `${script} is missing` };
  try {
    const { stdout } = await run(python, [script, ...args], {
      maxBuffer: 16 * 2 ** 20,
      env: pythonChildEnv(process.env, cacheDir, { KERAS_BACKEND: 'tensorflow', TF_CPP_MIN_LOG_LEVEL: '2' }),
    });
    return { ok: true, value: JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as KerasJob };
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return { ok: false, reason: (err.stderr?.trim().split('\n').at(-1) ?? err.message).slice(0, 160) };
  }
}

const runtimeRequire = createRequire(__filename);

/** Runs one job of ours in a child bench process on the tensorflow backend (tfjs-node), or says why not. */
export async function tfjsNodeJob(
  job: 'extract' | 'finetune',
  dir: string,
  epochs: number,
  cacheDir: string,
): Promise<PeerRun<JobResult>> {
  // TensorFlow spreads its ops over every core itself: no WASM feature threads beside it in the peer's run.
  const env = nodeChildEnv(process.env, { TF_CPP_MIN_LOG_LEVEL: '2', TRANSFER_STUDIO_THREADS: '1' });
  try {
    runtimeRequire.resolve('@tensorflow/tfjs-node');
  } catch {
    // Not installed: a build from source for measuring (scripts/build-tfjs-node.ts), found through NODE_PATH.
    const built = builtTfjsNode(tfjsNodeBuildDir());
    if (!built.ok)
      return {
        ok: false,
        reason: `@tensorflow/tfjs-node is not installed, nor built (${built.reason}; to build it for measuring: nice node --import tsx scripts/build-tfjs-node.ts)`,
      };
    env.NODE_PATH = built.nodePath;
  }
  try {
    const { stdout } = await run(
      process.execPath,
      [__filename, '--tfjs-node-job', job, dir, String(epochs), cacheDir],
      { maxBuffer: 16 * 2 ** 20, env },
    );
    return { ok: true, value: JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as JobResult };
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return { ok: false, reason: (err.stderr?.trim().split('\n').at(-1) ?? err.message).slice(0, 160) };
  }
}
