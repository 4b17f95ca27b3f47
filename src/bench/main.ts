// `npm run bench`: every figure next to a baseline measured in the same run on the same machine, printed as
// a table and (with --json) as JSON. A benchmark, not a test: nothing here passes or fails.
import '../trainer/noTelemetry';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../trainer/backend/selectBackend';
import { getBackend } from '../trainer/tf';
import type { Sample } from '../shared/split';
import { fashionAvailable, writeFashionFolders, writeMnistFolders, type SampleFolders } from '../samples/sampleFolders';
import { formatFigures, type Figure } from './measure';
import { tensorCountAcrossEpochs, trainerProcessFigures } from './memoryFigures';
import { extractionThroughput, fineTuneFigures, headVersusFit } from './trainingFigures';
import { peerFigures } from './peerFigures';
import { ourExtraction, ourFineTune } from './peerJobs';
import { peerData } from './peerData';
import { FROZEN_RUNTIME_ENV } from '../trainer/runtime/frozenRuntime';
import { gloveThroughputFigure, textVectorsJob, wordVectorsLoadFigures } from './text/textFigures';
import { encoderJob, encoderThroughputFigures } from './text/encoderFigures';

async function main(): Promise<void> {
  // A child that loads one form of the GloVe vectors in a fresh process (textFigures.ts).
  if (textVectorsJob(process.argv)) return;
  // A child that times our ONNX encoder in a fresh process, as its Python peers are (encoderFigures.ts).
  if (await encoderJob(process.argv)) return;
  // A child of --native: one of our jobs on tfjs-node, printed as JSON for the parent.
  const job = process.argv.indexOf('--tfjs-node-job');
  if (job >= 0) {
    const [kind, dir, epochs, cache] = process.argv.slice(job + 1);
    // The peer is tfjs-node doing all of it, the frozen part included (not ONNX Runtime).
    process.env[FROZEN_RUNTIME_ENV] = 'tfjs';
    await initBackend('tensorflow');
    const r = kind === 'extract' ? await ourExtraction(dir, cache) : await ourFineTune(dir, Number(epochs), cache);
    process.stdout.write(`${JSON.stringify({ ...r, backend: getBackend() })}\n`);
    return;
  }
  const json = process.argv.includes('--json');
  const log = (s: string) => process.stderr.write(`${s}\n`);
  // A folder of this run's own: two benches at once must not delete each other's data or share a cache.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'transfer-studio-bench-'));
  process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  const cacheDir = path.join(root, 'cache');
  const backend = await initBackend('wasm');
  log(`backend: ${backend.detail}`);
  const fashion = fashionAvailable();
  const write = (dir: string, perClass: number, classes: number[]) =>
    fashion
      ? writeFashionFolders(path.join(root, dir), { classes, perClass, split: 'train', offset: 0 })
      : writeMnistFolders(path.join(root, dir), { classes, perClass, offset: 0 });
  const samplesOf = (f: SampleFolders, per: number): Sample[] =>
    f.classes.flatMap((c, label) =>
      fs
        .readdirSync(path.join(f.outDir, c.name))
        .filter((n) => n.endsWith('.png'))
        .sort()
        .slice(0, per)
        .map((n) => ({ path: path.join(f.outDir, c.name, n), label })),
    );
  const three = await write('three', 16, [1, 7, 8]);
  const images = samplesOf(three, 16);
  const figures: Figure[] = [];
  // --only <text>: measure just the figures whose step name contains the text (e.g. --only extraction).
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const step = async (name: string, fn: () => Promise<Figure | Figure[]>) => {
    if (only && !name.includes(only)) return;
    log(`measuring: ${name}`);
    const t0 = Date.now();
    const out = await fn();
    figures.push(...(Array.isArray(out) ? out : [out]));
    log(`  done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  };
  if (process.argv.includes('--native')) {
    await step('peers: Keras script and tfjs-node', async () => peerFigures(await peerData(root, cacheDir), log));
  }
  await step('head on cached features vs model.fit', () => headVersusFit(images, 3, cacheDir, 5));
  await step('feature extraction throughput', async () =>
    extractionThroughput(samplesOf(await write('three-large', 64, [1, 7, 8]), 64), cacheDir),
  );
  await step('fine-tuning steps', () =>
    fineTuneFigures(
      images.filter((_, i) => i % 12 === 0),
      3,
      cacheDir,
    ),
  );
  await step('tensor count across epochs', () => tensorCountAcrossEpochs());
  await step('text: built-in word vectors', async () => wordVectorsLoadFigures());
  await step('text: GloVe features', () => gloveThroughputFigure());
  await step('text: ONNX encoder', () => encoderThroughputFigures(cacheDir));
  const count = (f: SampleFolders) => f.classes.reduce((s, c) => s + c.count, 0);
  await step('trainer process: memory and host responsiveness', async () => {
    const all = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const small = await write('ten-small', 100, all);
    const large = await write('ten-large', fashion ? 1000 : 860, all);
    return trainerProcessFigures(
      { data: small.outDir, images: count(small) },
      { data: large.outDir, images: count(large) },
      path.join(root, 'runs'),
      cacheDir,
    );
  });
  if (json)
    process.stdout.write(
      `${JSON.stringify({ backend, data: fashion ? 'Fashion-MNIST' : 'MNIST', figures }, null, 2)}\n`,
    );
  else
    process.stdout.write(
      `\nTransfer Studio benchmark — ${backend.detail}; data: ${fashion ? 'Fashion-MNIST' : 'MNIST'}\n\n${formatFigures(figures)}\n`,
    );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
