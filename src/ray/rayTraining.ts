// Runs a recipe on Ray, for the CLI and the extension host alike: the trainer prepares the job (data, base,
// plan), a Python driver runs src/ray/job.py against the cluster, its lines become the trainer protocol's
// progress events, and the trainer turns the trained weights into a normal run folder.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { CancellationToken } from 'vscode-jsonrpc';
import type { TrainerRpcClient } from '../client/trainerRpcClient';
import type { ProgressEvent, RunResult, TrainRecipe } from '../shared/engineTypes';
import { parseRayLine, progressOfRayLine, RAY_DEFAULTS, type RayJobLine, type RayTrained } from '../shared/rayProtocol';
import { pythonChildEnv } from '../shared/privateEnv';
import type { RayTarget } from '../shared/trainerProtocol';
import * as P from '../shared/trainerProtocol';

/** A Ray run that cannot start or did not finish; the message is one line a user can act on. */
export class RayRunError extends Error {
  constructor(
    message: string,
    readonly cancelled = false,
  ) {
    super(message);
    this.name = 'RayRunError';
  }
}

export interface RayRunOptions {
  /**
   * The driver's Python: --python (or the transferStudio.python setting), else TRANSFER_STUDIO_PYTHON, else python3.
   */
  python: string;
  target: RayTarget;
  cacheDir: string;
  token: CancellationToken;
  emit: (e: ProgressEvent) => void;
}

/**
 * The Python that drives the job: the one asked for (--python, transferStudio.python), else TRANSFER_STUDIO_PYTHON,
 * else python3.
 */
export function rayPython(asked: string | undefined): string {
  return asked || process.env.TRANSFER_STUDIO_PYTHON || 'python3';
}

/** The cluster a recipe asks for, with command-line (or dialog) choices over the recipe's `ray:` section. */
export function rayTarget(
  recipe: TrainRecipe,
  over: { address?: string; workers?: number; gpusPerWorker?: number },
): RayTarget {
  const address = over.address ?? recipe.ray?.address;
  if (!address)
    throw new RayRunError(
      'No Ray cluster named: pass --ray <host:port> or --ray local, or set ray.address in the recipe.',
    );
  if (/^ray:\/\//.test(address))
    throw new RayRunError(
      `Ray Client addresses (${address}) are not supported: run the driver on a node of the cluster and give its GCS address host:port.`,
    );
  const storagePath = recipe.ray?.storagePath;
  if (storagePath && /^[a-z][a-z0-9+.-]*:\/\//i.test(storagePath)) {
    throw new RayRunError(
      `ray.storagePath ${storagePath} is an object-storage URI; for now it must be a shared filesystem path that this machine and every node read.`,
    );
  }
  const workers = over.workers ?? recipe.ray?.workers ?? RAY_DEFAULTS.workers;
  const gpusPerWorker = over.gpusPerWorker ?? recipe.ray?.gpusPerWorker ?? RAY_DEFAULTS.gpusPerWorker;
  if (!Number.isInteger(workers) || workers < 1)
    throw new RayRunError(`The number of Ray workers must be a whole number of at least 1 (got ${workers}).`);
  if (!(gpusPerWorker >= 0)) throw new RayRunError(`GPUs per worker must be 0 or more (got ${gpusPerWorker}).`);
  if (recipe.batchSize < workers)
    throw new RayRunError(
      `The global batch of ${recipe.batchSize} cannot be split across ${workers} workers; use a batchSize of at least ${workers}.`,
    );
  return { address, workers, gpusPerWorker, storagePath: storagePath ? path.resolve(storagePath) : undefined };
}

/** The job script: shipped in dist/ray beside the bundle by the build, beside this file when unbundled (tests). */
export function jobScript(): string {
  const bundled = path.join(__dirname, 'ray', 'job.py');
  return fs.existsSync(bundled) ? bundled : path.join(__dirname, 'job.py');
}

export async function trainOnRay(client: TrainerRpcClient, recipe: TrainRecipe, o: RayRunOptions): Promise<RunResult> {
  // Whether this Python can drive the job and the cluster answers with enough resources, before any data is
  // decoded or a run folder made.
  const { address, workers, gpusPerWorker } = o.target;
  const started = Date.now();
  const check = await runJob(o.python, ['--check', address, String(workers), String(gpusPerWorker)], undefined, o);
  if (check.error) throw new RayRunError(check.error);
  const prepared = await client.sendRequest(P.rayPrepare, { recipe, cacheDir: o.cacheDir, target: o.target }, o.token);
  const log = path.join(prepared.jobDir, 'job.log');
  o.emit({
    kind: 'log',
    level: 'info',
    message: `Ray job: ${o.python} ${jobScript()} ${prepared.planFile} (log: ${log})`,
  });
  const run = await runJob(o.python, [prepared.planFile], log, o, prepared.checkpointDir);
  if (run.cancelled || run.error || !run.trained) {
    await client.sendRequest(P.rayAbandon, { runDir: prepared.runDir, status: run.cancelled ? 'cancelled' : 'failed' });
    if (run.cancelled)
      throw new RayRunError(
        `Cancelled; the Ray job and its workers were stopped (run folder ${prepared.runDir}).`,
        true,
      );
    throw new RayRunError(run.error ?? `The Ray job ended without a trained model; see ${log}.`);
  }
  if (!run.trained.weightsIdentical) {
    await client.sendRequest(P.rayAbandon, { runDir: prepared.runDir, status: 'failed' });
    throw new RayRunError(
      `The Ray workers ended with different weights (${run.trained.weightDigests.length} digests); data-parallel training went wrong, see ${log}.`,
    );
  }
  o.emit({
    kind: 'log',
    level: 'info',
    message: `All ${run.trained.weightDigests.length} Ray workers ended with identical weights`,
  });
  // Start-up lasts until the workers stand (check, prepare without its decoding, Ray, Python, torch, Keras).
  const startup = ((run.workersAt ?? Date.now()) - started) / 1000 - prepared.decodeSeconds;
  const before = { startup, features: prepared.decodeSeconds };
  return client.sendRequest(
    P.rayFinish,
    { runDir: prepared.runDir, cacheDir: o.cacheDir, trained: run.trained, before },
    o.token,
  );
}

interface JobOutcome {
  trained?: RayTrained;
  /** When the first worker group reported itself (Date.now()). */
  workersAt?: number;
  error?: string;
  cancelled: boolean;
}

/**
 * Runs `python job.py args`, forwarding its lines as progress; cancellation interrupts it (SIGINT) so it shuts Ray
 * down.
 */
function runJob(
  python: string,
  args: string[],
  logFile: string | undefined,
  o: RayRunOptions,
  checkpointDir = '',
): Promise<JobOutcome> {
  return new Promise((resolve) => {
    const child = spawn(python, ['-u', jobScript(), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Ray folds log lines of the same pattern (numbers ignored) from different processes into "[repeated Nx]":
      // after a worker group restarts, the new rank 0's progress lines would be swallowed.
      env: pythonChildEnv(process.env, o.cacheDir, {
        KERAS_BACKEND: 'torch',
        PYTHONUNBUFFERED: '1',
        RAY_DEDUP_LOGS: '0',
      }),
    });
    const log = logFile ? fs.createWriteStream(logFile) : undefined;
    const outcome: JobOutcome = { cancelled: false };
    const tail: string[] = [];
    const onLine = (line: string, fromStdout: boolean) => {
      log?.write(`${line}\n`);
      const parsed: RayJobLine | undefined = fromStdout ? parseRayLine(line) : undefined;
      if (!parsed) {
        if (line.trim()) tail.push(line.trim());
        if (tail.length > 5) tail.shift();
        return;
      }
      if (parsed.type === 'trained') outcome.trained = parsed;
      else if (parsed.type === 'workers') outcome.workersAt ??= Date.now();
      else if (parsed.type === 'error') outcome.error = parsed.message;
      const event = progressOfRayLine(parsed, checkpointDir);
      if (event) o.emit(event);
    };
    readline.createInterface({ input: child.stdout }).on('line', (l) => onLine(l, true));
    readline.createInterface({ input: child.stderr }).on('line', (l) => onLine(l, false));
    let killTimer: NodeJS.Timeout | undefined;
    const cancel = o.token.onCancellationRequested(() => {
      outcome.cancelled = true;
      child.kill('SIGINT');
      // ray.shutdown() stops a local Ray in seconds; a driver that does not exit by then is killed.
      killTimer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      outcome.error =
        e.code === 'ENOENT'
          ? `Python not found: "${python}". Point --python, TRANSFER_STUDIO_PYTHON or the transferStudio.python setting at a Python with ray[train], keras and torch.`
          : `Cannot start ${python}: ${e.message}.`;
    });
    child.on('close', (code, signal) => {
      cancel.dispose();
      if (killTimer) clearTimeout(killTimer);
      log?.end();
      if (!outcome.error && !outcome.cancelled && code !== 0) {
        const last = tail.at(-1) ?? `exit ${code ?? signal}`;
        outcome.error = `The Ray job failed (${code === null ? `signal ${signal}` : `exit ${code}`}): ${last.slice(0, 300)}${logFile ? ` (full log: ${logFile})` : ''}`;
      }
      resolve(outcome);
    });
  });
}
