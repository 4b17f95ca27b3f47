// Records what the host would send the training panel, from the real engine: the layers of the bundled
// MobileNetV2, a scan of a real image folder with sharp-made thumbnails, and a short real training (with a
// second phase and a scratch twin) with every progress event and its evaluation. The webview tests replay
// the result (test/fixtures/recorded/panel-messages.json) so they need neither VS Code nor a training.
// Thumbnails come from the trainer's own request, at the sizes the host asks for.
//
//   npm run build && node --import tsx scripts/record-panel-messages.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TrainerRpcClient } from '../src/client/trainerRpcClient';
import { backendView } from '../src/shared/backendLine';
import { allFrozen } from '../src/shared/freezePlan';
import type { DatasetScan, ProgressEvent, TrainRecipe } from '../src/shared/engineTypes';
import type { DatasetPreview, HostMessage, PanelSnapshot, StudioChoices, Thumbnail } from '../src/shared/panelProtocol';
import { DEFAULT_BASE, defaultRecipe } from '../src/shared/recipeDefaults';
import { runSplit } from '../src/shared/split';
import * as P from '../src/shared/trainerProtocol';
import { settingsOfRecipe } from '../src/shared/trainingSettings';

const ROOT = path.resolve(__dirname, '..');
const DATA = path.join(ROOT, 'test/fixtures/generated/fashion-small');
const OUT = path.join(ROOT, 'test/fixtures/recorded/panel-messages.json');
/** A class folder name that is also markup: the panel must show it as text. */
const HOSTILE_CLASS = '<img src=x onerror=alert(1)>';
const THUMBS_PER_CLASS = 8;
// Recorded paths must not depend on this machine: the repository root becomes /workspace and the scratch
// folder /workspace/datasets.
let work = '';
const portable = (p: string) => p.split(work).join('/workspace/datasets').split(ROOT).join('/workspace');

async function thumbnails(client: TrainerRpcClient, files: string[], size: number): Promise<Thumbnail[]> {
  return (await client.sendRequest(P.thumbnails, { files, size })).map((t) => ({ ...t, path: portable(t.path) }));
}

async function preview(client: TrainerRpcClient, scan: DatasetScan, recipe: TrainRecipe): Promise<DatasetPreview> {
  const { split } = runSplit(scan.classes, recipe);
  return {
    folder: portable(scan.root),
    classes: await Promise.all(
      scan.classes.map(async (c) => ({
        name: c.name,
        count: c.files.length,
        thumbnails: await thumbnails(client, c.files.slice(0, THUMBS_PER_CLASS), 72),
      })),
    ),
    split: { train: split.train.length, validation: split.validation.length, test: split.test.length },
    skipped: scan.skipped.map((s) => ({ path: portable(s.path), reason: s.reason })),
    warnings: scan.warnings,
  };
}

/** A copy of the dataset with one more class whose folder name is markup, plus files the scanner skips. */
function hostileCopy(work: string): string {
  const folder = path.join(work, 'hostile-data');
  for (const c of fs.readdirSync(DATA)) fs.cpSync(path.join(DATA, c), path.join(folder, c), { recursive: true });
  const bag = path.join(DATA, 'bag');
  const hostile = path.join(folder, HOSTILE_CLASS);
  fs.mkdirSync(hostile, { recursive: true });
  for (const f of fs.readdirSync(bag).slice(0, 4)) fs.copyFileSync(path.join(bag, f), path.join(hostile, f));
  fs.writeFileSync(path.join(hostile, '<b onmouseover=alert(2)>not an image.jpg'), 'plain text, not a JPEG');
  fs.writeFileSync(path.join(folder, 'sneaker', 'empty.png'), '');
  return folder;
}

async function main(): Promise<void> {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-record-'));
  const cacheDir = path.join(work, 'cache');
  const client = new TrainerRpcClient({ workerPath: path.join(ROOT, 'dist/trainer.js'), backend: 'wasm' });
  try {
    const backend = await client.sendRequest(P.hello);
    const base = await client.sendRequest(P.listLayers, { base: DEFAULT_BASE, cacheDir });
    const recipe: TrainRecipe = {
      ...defaultRecipe(DATA),
      outputDir: path.join(work, 'runs'),
      name: 'recorded',
      epochs: 3,
      batchSize: 4,
      learningRate: 0.002,
      testSplit: 0.3,
      patience: 0,
      compareScratch: true,
      secondPhase: { unfreezeFrom: 'block_16_expand', epochs: 1, learningRate: 0.0002 },
    };
    const choices: StudioChoices = {
      dataFolder: portable(DATA),
      base: base.spec,
      featureLayer: base.defaultFeatureLayer,
      frozen: allFrozen(base.layers, base.defaultFeatureLayer),
      settings: settingsOfRecipe(recipe),
    };
    const dataset = await preview(client, await client.sendRequest(P.scanDataset, { folder: DATA }), recipe);
    const hostileDataset = await preview(
      client,
      await client.sendRequest(P.scanDataset, { folder: hostileCopy(work) }),
      recipe,
    );

    const events: ProgressEvent[] = [];
    client.onProgress((e) => {
      events.push(e);
    });
    const started = Date.now();
    const result = await client.sendRequest(P.train, { recipe, cacheDir });
    console.log(
      `trained in ${((Date.now() - started) / 1000).toFixed(0)} s: ${events.length} progress events, accuracy ${result.transfer.evaluation.accuracy.toFixed(3)}`,
    );

    const training = {
      status: 'finished' as const,
      runName: path.basename(result.runDir),
      runDir: portable(result.runDir),
      ...backendView(backend),
    };
    const misclassified = await thumbnails(
      client,
      result.transfer.evaluation.misclassified.map((m) => m.path),
      96,
    );
    const evaluation = {
      runDir: portable(result.runDir),
      evaluatedOn: result.transfer.evaluatedOn,
      evaluation: {
        ...result.transfer.evaluation,
        misclassified: result.transfer.evaluation.misclassified.map((m) => ({ ...m, path: portable(m.path) })),
      },
      misclassified,
      transferHistory: result.transfer.history,
      scratchHistory: result.scratch?.history,
      scratchAccuracy: result.scratch?.evaluation.accuracy,
    };
    const idle: PanelSnapshot = {
      choices,
      base,
      dataset,
      training: { status: 'idle', ...backendView(backend) },
      history: [],
      trusted: true,
    };
    // Stage and log messages mention folders too.
    const progress = JSON.parse(portable(JSON.stringify(events))) as ProgressEvent[];
    const messages: Record<string, HostMessage | HostMessage[]> = {
      idleSnapshot: { type: 'snapshot', snapshot: idle },
      running: { type: 'training', training: { ...training, status: 'running' } },
      progress: { type: 'progress', events: progress },
      finished: { type: 'training', training },
      evaluation: { type: 'evaluation', evaluation },
      hostileDataset: { type: 'dataset', dataset: hostileDataset },
    };
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, `${JSON.stringify(messages, null, 1)}\n`);
    console.log(`wrote ${portable(OUT)} (${(fs.statSync(OUT).size / 1024).toFixed(0)} KiB)`);
  } finally {
    client.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
