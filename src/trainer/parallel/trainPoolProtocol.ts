// Messages between the calling thread and a training worker (trainPool.ts ↔ trainWorker.ts), declared once.
// Arrays travel as transferred Float32Arrays; weights in the model's order (`weights` or `trainableWeights`).

/** workerData: the replica to build — the model's topology (tfjs-layers JSON) and every weight's values. */
export interface ReplicaSpec {
  topology: string;
  weights: Float32Array[];
}

/** Worker → caller once the replica is built: its trainable shapes (the caller checks they match), or why not. */
export type ReplicaReady = { ready: true; trainableShapes: number[][] } | { ready: false; error: string };

/** Caller → worker: set the trainable weights, then compute the gradients of the mean loss over this shard. */
export interface ShardStepRequest {
  kind: 'step';
  id: number;
  trainable: Float32Array[];
  x: Float32Array;
  xShape: number[];
  y: Float32Array;
  yShape: number[];
}

/** Caller → worker: send back the replica's trainable weights as they are (tests check replicas agree). */
export interface ReplicaWeightsRequest {
  kind: 'weights';
  id: number;
}

export type TrainWorkerRequest = ShardStepRequest | ReplicaWeightsRequest;

/** Worker → caller: a shard's loss, accuracy and gradients; or the replica's weights; or a failure. */
export type TrainWorkerReply =
  | { kind: 'step'; id: number; loss: number; accuracy: number; grads: Float32Array[] }
  | { kind: 'weights'; id: number; trainable: Float32Array[] }
  | { kind: 'error'; id: number; error: string };
