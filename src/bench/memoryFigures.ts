// Benchmark figures on memory and responsiveness: tensor count across epochs, peak RSS of a trainer
// streaming a 10,000-image dataset, and the event-loop delay of a host while its child trains.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { TrainerRpcClient } from '../client/trainerRpcClient';
import type { TrainRecipe } from '../shared/engineTypes';
import { defaultRecipe } from '../shared/recipeDefaults';
import type { Sample } from '../shared/split';
import { neverCancelled } from '../shared/engineError';
import * as tf from '../trainer/tf';
import { featureSource } from '../trainer/train/batchSources';
import { fit } from '../trainer/train/fitLoop';
import type { Figure } from './measure';
import * as P from '../shared/trainerProtocol';

export async function tensorCountAcrossEpochs(): Promise<Figure> {
  // A head on synthetic 1,280-wide features: what matters here is that nothing leaks per batch or epoch.
  const samples: Sample[] = Array.from({ length: 256 }, (_, i) => ({ path: `f${i}`, label: i % 4 }));
  const features = new Map(
    samples.map((s) => [s.path, Float32Array.from({ length: 1280 }, (_, j) => Math.sin(j * (s.label + 1)))]),
  );
  const input = tf.input({ shape: [1280] });
  const model = tf.model({
    inputs: input,
    outputs: tf.layers.dense({ units: 4, activation: 'softmax' }).apply(input) as tf.SymbolicTensor,
  });
  const counts: number[] = [];
  await fit({
    model,
    which: 'transfer',
    phase: 1,
    epochs: 10,
    learningRate: 0.001,
    patience: 0,
    train: featureSource(samples, features, [1280], 4, 32, 1),
    validation: featureSource(samples.slice(0, 64), features, [1280], 4, 32, 1),
    signal: neverCancelled,
    emit: () => undefined,
    afterEpoch: async () => {
      counts.push(tf.memory().numTensors);
      return '';
    },
  });
  (model.optimizer as tf.Optimizer).dispose();
  model.dispose();
  return {
    name: 'tensor count after epoch 10 vs after epoch 1',
    ours: counts[9],
    baseline: counts[0],
    unit: 'tensors',
    ratio: counts[9] / counts[0],
    note: counts[9] === counts[0] ? 'equal' : 'GROWS',
  };
}

interface ChildRun {
  peakRss: number;
  loopP99Ms: number;
  events: number;
}

/** Trains one epoch through the real child process, sampling its RSS and this process's event-loop delay. */
async function childRun(data: string, outputDir: string, cacheDir: string): Promise<ChildRun> {
  const client = new TrainerRpcClient({ workerPath: path.join(__dirname, 'trainer.js'), backend: 'wasm' });
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssOf(client.pid));
  }, 250);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let events = 0;
  client.onProgress(() => {
    events++;
  });
  try {
    const recipe: TrainRecipe = {
      ...defaultRecipe(data),
      mode: 'source',
      inputSize: [28, 28],
      inputChannels: 1,
      epochs: 1,
      batchSize: 64,
      outputDir,
      name: 'bench',
      patience: 0,
    };
    loop.enable();
    await client.sendRequest(P.train, { recipe, cacheDir });
    loop.disable();
  } finally {
    clearInterval(sampler);
    client.dispose();
  }
  return { peakRss, loopP99Ms: loop.percentile(99) / 1e6, events };
}

export async function trainerProcessFigures(
  small: { data: string; images: number },
  large: { data: string; images: number },
  outputDir: string,
  cacheDir: string,
): Promise<Figure[]> {
  const idle = monitorEventLoopDelay({ resolution: 10 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 3000));
  idle.disable();
  const idleP99 = idle.percentile(99) / 1e6;
  const a = await childRun(small.data, outputDir, cacheDir);
  const b = await childRun(large.data, outputDir, cacheDir);
  const mib = (x: number) => x / 2 ** 20;
  return [
    {
      name: `peak RSS of the trainer, ${large.images} images vs ${small.images} (1 epoch, streamed)`,
      ours: mib(b.peakRss),
      baseline: mib(a.peakRss),
      unit: 'MiB',
      ratio: b.peakRss / a.peakRss,
      note: `the dataset as one float32 tensor would be ${mib(large.images * 28 * 28 * 4).toFixed(0)} MiB at 28×28, ${mib(large.images * 224 * 224 * 12).toFixed(0)} MiB at 224×224×3`,
    },
    {
      name: 'host event-loop delay p99 while the child trains',
      ours: b.loopP99Ms,
      baseline: idleP99,
      unit: 'ms',
      ratio: b.loopP99Ms / idleP99,
      note: `baseline: the same host idle; ${b.events} progress events received`,
    },
  ];
}

function rssOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    // /proc is Linux-only; elsewhere the figure reads 0 and says nothing.
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}
