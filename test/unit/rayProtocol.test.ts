// The Ray job's lines as the driver reads them: found behind Ray's worker prefix, checked field by field, and
// turned into the trainer protocol's progress events the panel draws.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRayLine, progressOfRayLine, RAY_LINE_MARKER } from '../../src/shared/rayProtocol';

const metrics = { phase: 2, epoch: 3, loss: 0.5, accuracy: 0.8, valLoss: 0.6, valAccuracy: 0.75, seconds: 4.2 };
const timings = { features: 2, training: 3, evaluation: 0.5 };

test('a worker\'s line behind Ray\'s "(RayTrainWorker pid=…)" prefix becomes an epoch event of the transfer model', () => {
  const line = `\x1b[36m(RayTrainWorker pid=11928)\x1b[0m ${RAY_LINE_MARKER}${JSON.stringify({ type: 'epoch', metrics, epochs: 5 })}`;
  const parsed = parseRayLine(line);
  assert.ok(parsed);
  assert.deepEqual(progressOfRayLine(parsed, '/runs/x/ray/ray-train'), {
    kind: 'epoch',
    model: 'transfer',
    metrics,
    epochs: 5,
    checkpoint: '/runs/x/ray/ray-train',
  });
});

test("Ray's own output, broken JSON and lines whose fields do not check out are not job lines", () => {
  const bad = [
    'Reporting training result 2: TrainingReport(checkpoint=None, metrics={...})',
    `${RAY_LINE_MARKER}{"type":"epoch",`,
    `${RAY_LINE_MARKER}${JSON.stringify({ type: 'epoch', metrics: { ...metrics, phase: 3 }, epochs: 5 })}`,
    `${RAY_LINE_MARKER}${JSON.stringify({ type: 'epoch', metrics: { ...metrics, loss: 'NaN' }, epochs: 5 })}`,
    `${RAY_LINE_MARKER}${JSON.stringify({ type: 'progress', event: { kind: 'epoch' } })}`,
    `${RAY_LINE_MARKER}${JSON.stringify({ type: 'trained', weightsIdentical: 'yes', weightDigests: [], history: [], test: null, model: 'm', timings })}`,
    `${RAY_LINE_MARKER}${JSON.stringify({ type: 'trained', weightsIdentical: true, weightDigests: [], history: [], test: null, model: 'm', timings: { features: 1 } })}`,
    `${RAY_LINE_MARKER}${JSON.stringify({ type: 'cache', layer: 'head_pool', cached: 3, computed: 'all', folder: '/c', runtime: 'r', seconds: 1 })}`,
    `${RAY_LINE_MARKER}${JSON.stringify({ type: 'shell', command: 'rm -rf /' })}`,
    `${RAY_LINE_MARKER}[1, 2]`,
  ];
  assert.deepEqual(
    bad.map(parseRayLine),
    bad.map(() => undefined),
  );
});

test('errors and the trained summary are job lines that draw nothing; workers and clusters become log and stage lines', () => {
  const error = parseRayLine(
    `${RAY_LINE_MARKER}{"type":"error","message":"Cannot reach the Ray cluster at 10.0.0.5:6379"}`,
  );
  assert.deepEqual(error, { type: 'error', message: 'Cannot reach the Ray cluster at 10.0.0.5:6379' });
  assert.equal(progressOfRayLine(error!, ''), undefined);
  const trained = parseRayLine(
    `${RAY_LINE_MARKER}${JSON.stringify({ type: 'trained', weightsIdentical: true, weightDigests: ['a', 'a'], history: [metrics], test: { loss: 1, accuracy: 0.5 }, model: '/m.keras', timings })}`,
  );
  assert.equal(trained?.type, 'trained');
  assert.equal(progressOfRayLine(trained!, ''), undefined);
  const workers = parseRayLine(
    `${RAY_LINE_MARKER}${JSON.stringify({
      type: 'workers',
      workers: [
        { pid: 1, node: 'ab', device: 'cpu' },
        { pid: 2, node: 'cd', device: 'cpu' },
      ],
    })}`,
  );
  assert.deepEqual(progressOfRayLine(workers!, ''), {
    kind: 'log',
    level: 'info',
    message: 'Ray workers: 2 on 2 node(s), devices cpu (pids 1, 2)',
  });
  const cluster = parseRayLine(
    `${RAY_LINE_MARKER}${JSON.stringify({ type: 'cluster', address: '10.0.0.5:6379', cpus: 16, gpus: 2, nodes: 2, ray: '2.58.0' })}`,
  );
  assert.deepEqual(progressOfRayLine(cluster!, ''), {
    kind: 'stage',
    stage: 'training',
    message: 'on the Ray cluster at 10.0.0.5:6379: 2 node(s), 16 CPUs, 2 GPUs',
  });
});

test("the cluster's cache lines become a stage with counts while the workers compute, then one log line", () => {
  const caching = parseRayLine(
    `${RAY_LINE_MARKER}${JSON.stringify({ type: 'caching', layer: 'block_15_add', done: 64, total: 200 })}`,
  );
  assert.deepEqual(progressOfRayLine(caching!, ''), {
    kind: 'stage',
    stage: 'caching-features',
    done: 64,
    total: 200,
    message: 'frozen part up to block_15_add on the Ray workers',
  });
  const cache = parseRayLine(
    `${RAY_LINE_MARKER}${JSON.stringify({ type: 'cache', layer: 'head_pool', cached: 150, computed: 50, folder: '/s/ray-features/ab', runtime: 'keras 3 on torch 2 (cpu)', seconds: 12.25 })}`,
  );
  const event = progressOfRayLine(cache!, '');
  assert.equal(event?.kind, 'log');
  assert.match(
    (event as { message: string }).message,
    /up to head_pool .*150 cached, 50 computed by keras 3 on torch 2 \(cpu\) in 12\.3 s, \/s\/ray-features\/ab/,
  );
});
