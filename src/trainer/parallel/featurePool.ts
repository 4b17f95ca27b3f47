// Shards feature-extraction batches across worker threads, each with its own WASM instance: on a 2-core
// machine the base runs on both cores at once. The calling thread computes a shard too.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InputArray, InputShape } from '../data/kinds/dataKind';
import { exampleCount, inputRows } from '../data/kinds/inputRows';

export interface WorkerSpec {
  modelJsonPath: string;
  featureLayer: string;
  pooling: 'avg' | 'max' | 'flatten' | 'none';
  /** The base's inputs for one example, as the kind's module gives them (images: pixels [h, w, c]). */
  inputs: InputShape[];
}

export interface ShardRequest {
  id: number;
  /** Rows of the batch's inputs, in the model's input order. */
  inputs: InputArray[];
}

export interface ShardResult {
  id: number;
  features: Float32Array;
}

/** Worker threads beyond the calling one: cores − 1 by default, TRANSFER_STUDIO_THREADS overrides (1 = none). */
export function extraThreads(): number {
  const wanted = Number(process.env.TRANSFER_STUDIO_THREADS ?? os.availableParallelism());
  return Math.max(0, Math.min(7, (Number.isFinite(wanted) ? wanted : 1) - 1));
}

export class FeaturePool {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (f: Float32Array) => void; reject: (e: Error) => void }>();

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (m: ShardResult) => {
        this.pending.get(m.id)?.resolve(m.features);
        this.pending.delete(m.id);
      });
      // A dead worker fails the batch it held rather than hanging the run.
      w.on('error', (e) => this.failAll(e));
      w.on('exit', (code) => this.failAll(new Error(`feature worker exited with code ${code}`)));
    }
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Starts the workers, or returns undefined when threads are off or the worker bundle is absent (tests from src/). */
  static async start(spec: WorkerSpec, threads = extraThreads()): Promise<FeaturePool | undefined> {
    const script = path.join(__dirname, 'featureWorker.js');
    if (threads === 0 || !fs.existsSync(script)) return undefined;
    const workers = Array.from({ length: threads }, () => new Worker(script, { workerData: spec }));
    try {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              w.once('message', (m: { ready?: boolean; error?: string }) =>
                m.ready ? resolve() : reject(new Error(m.error)),
              );
              w.once('error', reject);
            }),
        ),
      );
    } catch {
      await Promise.all(workers.map((w) => w.terminate()));
      return undefined; // the calling thread alone still does the job
    }
    return new FeaturePool(workers);
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** Features of a batch: shards of its rows go to the workers, the first shard runs on `local`. */
  async run(
    inputs: readonly InputArray[],
    local: (x: readonly InputArray[]) => Promise<Float32Array>,
  ): Promise<Float32Array> {
    const count = exampleCount(inputs);
    const shards = Math.min(count, this.workers.length + 1);
    const size = Math.ceil(count / shards);
    const jobs: Promise<Float32Array>[] = [];
    for (let s = 1; s < shards; s++) {
      const from = s * size,
        n = Math.min(size, count - from);
      if (n <= 0) break;
      const id = this.nextId++;
      const part = inputRows(inputs, from, n, true);
      jobs.push(new Promise((resolve, reject) => this.pending.set(id, { resolve, reject })));
      const buffers = part.map((a) => a.data.buffer as ArrayBuffer);
      this.workers[s - 1].postMessage({ id, inputs: part } satisfies ShardRequest, buffers);
    }
    const first = await local(inputRows(inputs, 0, Math.min(size, count), false));
    const rest = await Promise.all(jobs);
    const out = new Float32Array(first.length + rest.reduce((s, r) => s + r.length, 0));
    let offset = 0;
    for (const part of [first, ...rest]) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  async dispose(): Promise<void> {
    this.workers.forEach((w) => w.removeAllListeners('exit'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
