// A worker thread holding a replica of the trainable model for data-parallel steps: the calling thread sends
// the current trainable weights with half a batch, this thread returns that half's gradients. Its own WASM
// instance runs on its own core (the wasm backend is one thread per instance in Node).
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../backend/selectBackend';
// Registers the layer classes of imported Keras models, as loading a model file does.
import '../models/modelFiles';
import { StreamDropout } from '../models/streamDropout';
import { keepInferenceMode } from '../models/transferModel';
import * as tf from '../tf';
import { shardGradients, trainableVariables } from './shardStep';
import type { ReplicaReady, ReplicaSpec, TrainWorkerReply, TrainWorkerRequest } from './trainPoolProtocol';

const port = parentPort!;

function reply(r: TrainWorkerReply, transfer: Float32Array[] = []): void {
  port.postMessage(
    r,
    transfer.map((a) => a.buffer as ArrayBuffer),
  );
}

async function copies(tensors: tf.Tensor[]): Promise<Float32Array[]> {
  return Promise.all(tensors.map(async (t) => (await t.data()) as Float32Array));
}

async function start(spec: ReplicaSpec): Promise<void> {
  await initBackend('wasm');
  const model = await tf.models.modelFromJSON({ modelTopology: JSON.parse(spec.topology) });
  // The engine's BatchNorm layers run in inference mode (transferModel.ts); a rebuilt layer is a fresh object.
  for (const l of model.layers) if (l.getClassName() === 'BatchNormalization') keepInferenceMode(l);
  // Its half of each batch drops other units than the calling thread's half does.
  for (const l of model.layers) if (l instanceof StreamDropout) l.useStream(1);
  const values = model.weights.map((w, i) => tf.tensor(spec.weights[i], w.shape as number[]));
  model.setWeights(values);
  tf.dispose(values);
  const vars = trainableVariables(model);
  port.on('message', async (req: TrainWorkerRequest) => {
    try {
      if (req.kind === 'weights') {
        const trainable = await copies(vars);
        return reply({ kind: 'weights', id: req.id, trainable }, trainable);
      }
      vars.forEach((v, i) => {
        const t = tf.tensor(req.trainable[i], v.shape);
        v.assign(t);
        t.dispose();
      });
      const x = tf.tensor(req.x, req.xShape);
      const y = tf.tensor(req.y, req.yShape);
      const shard = await shardGradients(model, x, y);
      const grads = await copies(shard.grads);
      tf.dispose([x, y, ...shard.grads]);
      reply({ kind: 'step', id: req.id, loss: shard.loss, accuracy: shard.accuracy, grads }, grads);
    } catch (e) {
      reply({ kind: 'error', id: req.id, error: e instanceof Error ? e.message : String(e) });
    }
  });
  const ready: ReplicaReady = { ready: true, trainableShapes: vars.map((v) => v.shape) };
  port.postMessage(ready);
}

start(workerData as ReplicaSpec).catch((e: unknown) => {
  const failed: ReplicaReady = { ready: false, error: e instanceof Error ? e.message : String(e) };
  port.postMessage(failed);
});
