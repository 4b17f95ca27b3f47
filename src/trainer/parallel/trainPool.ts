// Data-parallel training steps on two cores. The WASM backend runs one thread per instance in Node, so a
// step of the top trained on cached activations used one core of two. Here a worker thread holds a replica
// of the model; each step the calling thread sends it the current trainable weights and half the batch,
// computes the other half's gradients itself, and applies the size-weighted sum of both with the model's own
// optimizer. The update is computed once, on the calling thread, and the worker receives the resulting
// weights with its next shard: the replicas cannot drift apart.
//
// Splitting a batch leaves the math unchanged only when no layer looks across the batch: the engine's
// BatchNorm layers run in inference mode (transferModel.ts), and a model with an unpatched BatchNorm or a
// regularizer penalty keeps the one-thread step.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { inInferenceMode } from '../models/transferModel';
import { applyParts } from '../backend/fusedAdam';
import * as tf from '../tf';
import { extraThreads } from './featurePool';
import { hasRegularizers, shardGradients, trainableVariables } from './shardStep';
import type { ReplicaReady, ReplicaSpec, TrainWorkerReply, TrainWorkerRequest } from './trainPoolProtocol';

/** Fewer examples than this per half and a step is not worth a round trip: it runs on the calling thread. */
export const MIN_SHARD = 4;

type Pending = { resolve: (r: TrainWorkerReply) => void; reject: (e: Error) => void };

/** Why a model cannot take data-parallel steps, or undefined when it can. */
export function parallelRefusal(model: tf.LayersModel): string | undefined {
  const bn = model.layers.find((l) => l.getClassName() === 'BatchNormalization' && !inInferenceMode(l));
  if (bn) return `BatchNorm layer ${bn.name} uses batch statistics`;
  if (hasRegularizers(model)) return 'a layer has a regularizer penalty';
  return undefined;
}

/** The worker bundle beside the built trainer; from sources (tests through tsx), the .ts entry through tsx. */
function newWorker(spec: ReplicaSpec): Worker | undefined {
  const options = { workerData: spec, transferList: spec.weights.map((w) => w.buffer as ArrayBuffer) };
  const built = path.join(__dirname, 'trainWorker.js');
  if (fs.existsSync(built)) return new Worker(built, options);
  const source = path.join(__dirname, 'trainWorker.ts');
  if (!__filename.endsWith('.ts') || !fs.existsSync(source)) return undefined;
  // Node 20 does not hand the parent's `--import tsx` to a worker: the worker registers it itself.
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { ...options, eval: true });
}

export class TrainPool {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  /** Why the worker stopped answering, once it has: every later step runs on the calling thread. */
  broken: string | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly model: tf.LayersModel,
  ) {
    worker.on('message', (m: TrainWorkerReply) => {
      this.pending.get(m.id)?.resolve(m);
      this.pending.delete(m.id);
    });
    // A dead worker fails the step it held, and every later step trains here, rather than hanging the run.
    worker.on('error', (e) => this.failAll(e));
    worker.on('exit', (code) => this.failAll(new Error(`training worker exited with code ${code}`)));
  }

  private failAll(e: Error): void {
    this.broken ??= e.message;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** A worker with a replica of `model`, or undefined (one core, a model that cannot split, no worker bundle). */
  static async start(model: tf.LayersModel, threads = extraThreads()): Promise<TrainPool | undefined> {
    if (threads === 0 || parallelRefusal(model)) return undefined;
    // Copies: transferred to the worker (detached), and the cpu backend hands out a variable's own storage.
    const weights = await Promise.all(
      model.weights.map(async (w) => ((await w.read().data()) as Float32Array).slice()),
    );
    const worker = newWorker({ topology: model.toJSON(null, true) as string, weights });
    if (!worker) return undefined;
    try {
      const ready = await new Promise<ReplicaReady>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      const mine = trainableVariables(model).map((v) => v.shape.join('x'));
      if (!ready.ready || ready.trainableShapes.map((s) => s.join('x')).join() !== mine.join()) {
        throw new Error(ready.ready ? 'the replica has different trainable weights' : ready.error);
      }
    } catch {
      await worker.terminate();
      return undefined; // the calling thread alone still trains
    }
    return new TrainPool(worker, model);
  }

  private request(req: TrainWorkerRequest, transfer: Float32Array[]): Promise<TrainWorkerReply> {
    const reply = new Promise<TrainWorkerReply>((resolve, reject) => this.pending.set(req.id, { resolve, reject }));
    this.worker.postMessage(
      req,
      transfer.map((a) => a.buffer as ArrayBuffer),
    );
    return reply;
  }

  /** One optimizer step on the batch, half computed by the worker; returns [loss, accuracy] like trainOnBatch. */
  async step(x: tf.Tensor, y: tf.Tensor): Promise<number[]> {
    const n = x.shape[0];
    const remote = Math.floor(n / 2);
    if (remote < MIN_SHARD || this.broken) return (await this.model.trainOnBatch(x, y)) as number[];
    const local = n - remote;
    const optimizer = this.model.optimizer;
    const vars = trainableVariables(this.model);
    // Copies: they are transferred (detached) below, and a backend may hand out its own storage (cpu does).
    const own = async (t: tf.Tensor) => ((await t.data()) as Float32Array).slice();
    const trainable = await Promise.all(vars.map(own));
    const [xs, ys] = [x, y].map((t) => tf.slice(t, local, remote));
    const [xr, yr] = [await own(xs), await own(ys)];
    const id = this.nextId++;
    const req: TrainWorkerRequest = { kind: 'step', id, trainable, x: xr, xShape: xs.shape, y: yr, yShape: ys.shape };
    tf.dispose([xs, ys]);
    const pending = this.request(req, [...trainable, xr, yr]);
    const [xl, yl] = [x, y].map((t) => tf.slice(t, 0, local));
    const mine = await shardGradients(this.model, xl, yl);
    tf.dispose([xl, yl]);
    const other = await pending.catch((e: Error): TrainWorkerReply => ({ kind: 'error', id, error: e.message }));
    if (other.kind !== 'step') {
      // A failed worker costs speed, not the run: this batch and the rest train on the calling thread.
      tf.dispose(mine.grads);
      this.broken = other.kind === 'error' ? other.error : 'unexpected reply';
      return (await this.model.trainOnBatch(x, y)) as number[];
    }
    // The gradient of the whole batch's mean loss: each half's mean gradient weighted by its size.
    const ours: tf.NamedTensorMap = {};
    const theirs: tf.NamedTensorMap = {};
    vars.forEach((v, i) => {
      ours[v.name] = mine.grads[i];
      theirs[v.name] = tf.tensor(other.grads[i], v.shape);
    });
    applyParts(optimizer, [
      { gradients: ours, weight: local / n },
      { gradients: theirs, weight: remote / n },
    ]);
    tf.dispose([...mine.grads, ...Object.values(theirs)]);
    return [(mine.loss * local + other.loss * remote) / n, (mine.accuracy * local + other.accuracy * remote) / n];
  }

  /** The worker replica's trainable weights as it holds them now (they trail the caller's by the last update). */
  async replicaWeights(): Promise<Float32Array[]> {
    const reply = await this.request({ kind: 'weights', id: this.nextId++ }, []);
    if (reply.kind !== 'weights') throw new Error(`training worker: ${reply.kind === 'error' ? reply.error : '?'}`);
    return reply.trainable;
  }

  async dispose(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}
