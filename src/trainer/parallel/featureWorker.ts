// A worker thread that computes frozen-base features for a shard of a batch. The WASM backend runs one
// thread per instance in Node (its own threaded build needs blob: workers, which Node lacks), so the
// trainer shards batches across instances instead: one here per extra core.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../backend/selectBackend';
import { loadLayersModelFromFile } from '../models/modelFiles';
import { describeLayers } from '../models/layerInfo';
import { resolveFreezePlan } from '../../shared/freezePlan';
import { compileFrozen } from '../models/frozenExecutor';
import { buildTransferModel } from '../models/transferModel';
import { inputTensors, modelInput } from '../data/kinds/tensors';
import * as tf from '../tf';
import type { ShardRequest, ShardResult, WorkerSpec } from './featurePool';

async function start(spec: WorkerSpec): Promise<void> {
  await initBackend('wasm');
  const model = await loadLayersModelFromFile(spec.modelJsonPath);
  // 'none': the raw output of the layer (activations below a trainable top); otherwise the head's pooling.
  const features =
    spec.pooling === 'none'
      ? tf.model({
          inputs: model.inputs,
          outputs: model.getLayer(spec.featureLayer).getOutputAt(0) as tf.SymbolicTensor,
        })
      : buildTransferModel(
          model,
          resolveFreezePlan(describeLayers(model), { featureLayer: spec.featureLayer }, spec.featureLayer),
          { pooling: spec.pooling },
          2,
          0,
        ).features;
  const frozen = compileFrozen(features);
  parentPort!.on('message', async (req: ShardRequest) => {
    // The input tensors are made outside the executor's tidy: freed here, or every shard would leak its batch.
    const xs = inputTensors(req.inputs);
    const out = frozen.predict(modelInput(xs));
    tf.dispose(xs);
    const features = (await out.data()) as Float32Array;
    out.dispose();
    const result: ShardResult = { id: req.id, features };
    parentPort!.postMessage(result, [features.buffer as ArrayBuffer]);
  });
  parentPort!.postMessage({ ready: true });
}

start(workerData as WorkerSpec).catch((e: unknown) =>
  parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) }),
);
