// Accuracy of augmented fine-tuning, augmenting anew every epoch (as Keras' augmentation layers) against
// keeping K augmented passes (src/shared/augmentedVariants.ts), paired per seed: the same head, data, seed and
// loop (throughFrozen, as the automatic flow's augmented trial and a recipe's second phase run it); only
// TRANSFER_STUDIO_AUGMENTED_VARIANTS differs. Fashion-MNIST (Debian), 10 classes: 1,000 training and 200
// validation images from the training file, a fixed test set of 1,000 from the test file. Per seed: a head
// trained on the base's features (computed once), then the second phase from block_15_expand with the
// default augmentation. A measurement, not a test: accuracy only, no timing claim.
// Each seed's rows are added to --json's file (seeds already there are replaced), and the summary covers
// every seed in it, so the seeds may run in separate processes (the frozen parts' activations are kept).
//   node --import tsx src/bench/augmentedQuality.ts [--seed-from 0] [--seeds 5] [--kept 3] [--epochs 9]
//     [--json out.json]
import '../trainer/noTelemetry';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AUGMENTED_VARIANTS_ENV } from '../shared/augmentedVariants';
import { neverCancelled } from '../shared/engineError';
import { resolveFreezePlan, secondPhasePlan } from '../shared/freezePlan';
import { DEFAULT_AUGMENTATION, DEFAULT_BASE } from '../shared/recipeDefaults';
import type { Sample } from '../shared/split';
import { meanSpread } from '../shared/stats';
import { fashionAvailable, writeFashionFolders, type SampleFolders } from '../samples/sampleFolders';
import { initBackend } from '../trainer/backend/selectBackend';
import { SkipList } from '../trainer/data/batchStream';
import { loadBase, type BaseModel } from '../trainer/models/baseModel';
import { splitBelowTrainable, type FrozenSplit } from '../trainer/models/frozenSplit';
import { applyFreezePlan, buildTransferModel } from '../trainer/models/transferModel';
import * as tf from '../trainer/tf';
import { imageSource } from '../trainer/train/batchSources';
import { throughFrozen } from '../trainer/train/frozenParts';
import { fitDataParallel } from '../trainer/train/parallelFit';
import { accuracyOf, activationRows, rowSource, storedRows, type ActivationRows } from './activationRows';

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const log = (s: string) => process.stderr.write(`${s}\n`);
const SEED_FROM = Number(arg('--seed-from') ?? 0);
const SEEDS = Number(arg('--seeds') ?? 5);
const KEPT = Number(arg('--kept') ?? 3);
/** The arms a process runs (--arms 5: only that one, paired later with the stored every-epoch rows). */
const ARMS = (arg('--arms') ?? `0,${KEPT}`).split(',').map(Number);
const EPOCHS = Number(arg('--epochs') ?? 9);
const CLASSES = 10;
const BATCH = 32;
const HEAD = { epochs: 10, learningRate: 0.001 };
const UNFREEZE_FROM = 'block_15_expand';
const FINE_TUNE_RATE = 0.0001;

interface Row {
  seed: number;
  kept: number;
  validation: number;
  test: number;
}

const samplesOf = (f: SampleFolders, from: number, count: number): Sample[] =>
  f.classes.flatMap((c, label) =>
    fs
      .readdirSync(path.join(f.outDir, c.name))
      .filter((n) => n.endsWith('.png'))
      .sort()
      .slice(from, from + count)
      .map((n) => ({ path: path.join(f.outDir, c.name, n), label })),
  );

const quiet = { which: 'transfer' as const, patience: 0, signal: neverCancelled, afterEpoch: async () => '' };

/** Everything a seed's runs share: the data, the base and the frozen parts' activations, computed once. */
interface Shared {
  base: BaseModel;
  /** The base's weights as loaded. */
  pretrained: tf.Tensor[];
  train: Sample[];
  features: { train: ActivationRows; validation: ActivationRows };
  boundary: { validation: ActivationRows; test: ActivationRows };
}

function model(s: Shared, seed: number) {
  const layers = s.base.description.layers;
  const plan = resolveFreezePlan(layers, {}, s.base.description.defaultFeatureLayer);
  const tm = buildTransferModel(s.base.model, plan, { pooling: 'avg', dropout: 0.2 }, CLASSES, seed);
  return { tm, plan, second: () => secondPhasePlan(plan, layers, UNFREEZE_FROM) };
}

function split(full: tf.LayersModel, below: string): FrozenSplit {
  const part = splitBelowTrainable(full);
  if (!part) throw new Error(`No single tensor separates the layers below ${below} from the rest.`);
  return part;
}

/** The head, then the second phase with `kept` augmented passes kept, from the same seed. */
async function oneSeed(s: Shared, seed: number): Promise<Row[]> {
  const { tm, second } = model(s, seed);
  const head = split(tm.full, 'the head');
  await fitDataParallel({
    ...quiet,
    phase: 1,
    emit: () => undefined,
    model: head.top,
    epochs: HEAD.epochs,
    learningRate: HEAD.learningRate,
    train: rowSource(s.features.train, BATCH, seed),
    validation: rowSource(s.features.validation, BATCH),
  });
  applyFreezePlan(tm.full, second());
  const start = tm.full.getWeights().map((w) => w.clone());
  const rows: Row[] = [];
  try {
    for (const kept of ARMS) {
      tm.full.setWeights(start);
      process.env[AUGMENTED_VARIANTS_ENV] = String(kept);
      const part = split(tm.full, UNFREEZE_FROM);
      const prep = s.base.description.preprocessing;
      const train = imageSource(s.train, prep, CLASSES, BATCH, seed, new SkipList(), DEFAULT_AUGMENTATION);
      const validation = rowSource(s.boundary.validation, BATCH);
      const options = { ...quiet, phase: 2 as const, epochs: EPOCHS, learningRate: FINE_TUNE_RATE };
      const r = await throughFrozen(part, { ...options, emit: () => undefined }, { train, validation }, validation);
      rows.push({
        seed,
        kept,
        validation: r.history.at(-1)!.valAccuracy,
        test: await accuracyOf(part.top, s.boundary.test),
      });
    }
  } finally {
    // The second phase trained the base's own top layers: the next seed starts from the pretrained weights.
    s.base.model.setWeights(s.pretrained);
    tf.dispose(start);
  }
  return rows;
}

const pct = (x: number) => (x * 100).toFixed(1);
function meanSe(xs: number[]): string {
  const { mean, standardError } = meanSpread(xs);
  return `${pct(mean)} ± ${pct(standardError)}`;
}

/** Each arm with passes kept against augmenting every epoch, over the seeds both ran. */
function summary(rows: Row[]): string {
  const line = (name: string, xs: Row[]) =>
    `${name}: test ${meanSe(xs.map((r) => r.test))} (${xs.map((r) => pct(r.test)).join(', ')}); ` +
    `validation ${meanSe(xs.map((r) => r.validation))} (${xs.map((r) => pct(r.validation)).join(', ')})`;
  const lines = [`accuracy %, mean ± standard error over seeds, ${EPOCHS} second-phase epochs`];
  for (const k of [...new Set(rows.map((r) => r.kept))].filter((k) => k > 0).sort((a, b) => a - b)) {
    const kept = rows.filter((r) => r.kept === k && rows.some((e) => e.kept === 0 && e.seed === r.seed));
    const every = kept.map((r) => rows.find((e) => e.kept === 0 && e.seed === r.seed)!);
    const diff = (f: 'test' | 'validation') => kept.map((r, i) => r[f] - every[i][f]);
    lines.push(
      `${kept.length} seeds (${kept.map((r) => r.seed).join(', ')})`,
      line('  augmenting every epoch', every),
      line(`  keeping ${k} augmented passes`, kept),
      `  paired, kept − every epoch: test ${meanSe(diff('test'))}, validation ${meanSe(diff('validation'))}`,
    );
  }
  return lines.join('\n');
}

async function shared(root: string): Promise<Shared> {
  if (!fashionAvailable()) throw new Error('Fashion-MNIST is not installed (Debian: dataset-fashion-mnist).');
  const classes = Array.from({ length: CLASSES }, (_, i) => i);
  const trainFile = await writeFashionFolders(path.join(root, 'train'), { classes, perClass: 120 });
  const testFile = await writeFashionFolders(path.join(root, 'test'), { classes, perClass: 100, split: 'test' });
  const base = await loadBase(DEFAULT_BASE, path.join(root, 'cache'));
  const [train, validation, test] = [
    samplesOf(trainFile, 0, 100),
    samplesOf(trainFile, 100, 20),
    samplesOf(testFile, 0, 100),
  ];
  const { tm, second } = model({ base } as Shared, 0);
  const prep = base.description.preprocessing;
  const rows = (name: string, part: FrozenSplit, samples: Sample[]) =>
    storedRows(path.join(root, name), () => activationRows(part, samples, prep, CLASSES));
  const head = split(tm.full, 'the head');
  const features = {
    train: await rows('features-train', head, train),
    validation: await rows('features-validation', head, validation),
  };
  applyFreezePlan(tm.full, second());
  const top = split(tm.full, UNFREEZE_FROM);
  const boundary = {
    validation: await rows('boundary-validation', top, validation),
    test: await rows('boundary-test', top, test),
  };
  const pretrained = base.model.getWeights().map((w) => w.clone());
  return { base, pretrained, train, features, boundary };
}

async function main(): Promise<void> {
  await initBackend('wasm');
  const s = await shared(path.join(os.tmpdir(), 'transfer-studio-augmented-quality'));
  log(
    `data: ${s.train.length} training, ${s.features.validation.samples.length} validation, ` +
      `${s.boundary.test.samples.length} test images`,
  );
  const out = arg('--json');
  let rows: Row[] = out && fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as Row[]) : [];
  for (let seed = SEED_FROM; seed < SEED_FROM + SEEDS; seed++) {
    const these = await oneSeed(s, seed);
    these.forEach((r) => log(`seed ${seed}, ${r.kept} kept: validation ${pct(r.validation)} %, test ${pct(r.test)} %`));
    const fresh = (r: Row) => !these.some((t) => t.seed === r.seed && t.kept === r.kept);
    rows = [...rows.filter(fresh), ...these].sort((a, b) => a.seed - b.seed || a.kept - b.kept);
    if (out) fs.writeFileSync(out, `${JSON.stringify(rows, null, 2)}\n`);
  }
  process.stdout.write(`${summary(rows)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`augmentedQuality failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
