// Does fine-tuning after a head fitted on standardized features lose what the head had (issue 29)? On the
// Fashion-MNIST set of autoFlowEval.ts, at block_13_expand_relu: the linear head fitted as the automatic
// flow fits it (standardized, logistic regression, folded back), then one epoch of the automatic fine-tune of
// the top two blocks on cached activations, with the flow's rate. Prints validation before and after, and how
// far the fold scaled the channels. A measurement, not a test.
//   node --import tsx src/bench/standardizedFineTune.ts [--epochs 1] [--floor share of the median deviation]
import os from 'node:os';
import path from 'node:path';
import { autoUnfreezeFrom, resolveTestSplit, secondPhaseRate } from '../shared/autoFlow';
import { resolveFreezePlan, secondPhasePlan } from '../shared/freezePlan';
import { imageInput } from '../shared/inputSpec';
import { DEFAULT_BASE, defaultRecipe } from '../shared/recipeDefaults';
import { stratifiedSplit } from '../shared/split';
import { writeFashionFolders } from '../samples/sampleFolders';
import { initBackend } from '../trainer/backend/selectBackend';
import { SkipList } from '../trainer/data/batchStream';
import { scanDataset, trainableClasses } from '../trainer/data/datasetScanner';
import { loadBase } from '../trainer/models/baseModel';
import { splitBelowTrainable } from '../trainer/models/frozenSplit';
import { applyFreezePlan, buildTransferModel } from '../trainer/models/transferModel';
import { featureSource } from '../trainer/train/batchSources';
import { activationsBelowTop } from '../trainer/train/cachedTop';
import { featuresAtCuts } from '../trainer/train/cutFeatures';
import { validate } from '../trainer/train/fitLoop';
import { foldStandardization, standardize, warmStartLinearHead } from '../trainer/train/headWarmStart';
import { fitDataParallel } from '../trainer/train/parallelFit';

const CUT = 'block_13_expand_relu';
const root = path.join(os.tmpdir(), 'transfer-studio-auto-eval');
const cacheDir = path.join(root, 'cache');
const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const log = (s: string) => process.stderr.write(`${s}\n`);
const signal = { isCancellationRequested: false };
const quiet = () => undefined;

async function main(): Promise<void> {
  await initBackend('wasm');
  const folder = path.join(root, 'train-300');
  await writeFashionFolders(folder, { classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], perClass: 300 });
  const recipe = defaultRecipe(folder);
  const usable = trainableClasses(await scanDataset(folder), 3);
  const testSplit = resolveTestSplit(
    recipe.testSplit,
    usable.map((c) => c.files.length),
  );
  const split = stratifiedSplit(usable, { ...recipe, testSplit });
  const classes = usable.length;
  const base = await loadBase(DEFAULT_BASE, cacheDir);
  const layers = base.description.layers;
  const samples = [...split.train, ...split.validation];
  const skips = new SkipList();
  const { byCut } = await featuresAtCuts({
    base,
    cuts: [CUT],
    samples,
    cacheDir,
    batchSize: 32,
    skips,
    signal,
    emit: quiet,
  });
  const features = byCut.get(CUT)!;
  const plan = resolveFreezePlan(layers, { featureLayer: CUT }, CUT);
  const tm = buildTransferModel(base.model, plan, recipe.head, classes, recipe.seed);
  const floor = arg('--floor');
  const standardized = standardize(features, split.train, floor === undefined ? undefined : Number(floor));
  const scales = [...standardized.scale].filter((s) => s > 0).sort((a, b) => a - b);
  const pick = (q: number) => scales[Math.floor(q * (scales.length - 1))].toFixed(2);
  log(`fold scales over ${scales.length} channels: median ${pick(0.5)}, 99th ${pick(0.99)}, max ${pick(1)}`);
  await warmStartLinearHead(tm.head, standardized.features, split.train, classes, Date.now() + 600_000);
  foldStandardization(tm.head, standardized);
  const shape = tm.featureShape;
  const headVal = await validate(tm.head, featureSource(split.validation, features, shape, classes, 32, 1), signal);
  log(`head (folded) validation ${(headVal.accuracy * 100).toFixed(1)} %`);
  const from = autoUnfreezeFrom(layers, CUT)!;
  applyFreezePlan(tm.full, secondPhasePlan(plan, layers, from));
  const part = splitBelowTrainable(tm.full)!;
  const input = imageInput(base.description.preprocessing);
  const options = {
    part,
    samples,
    input,
    cacheDir,
    baseKey: base.resolved.contentKey,
    modelJsonPath: base.resolved.modelJsonPath,
    classes,
    batchSize: recipe.batchSize,
    seed: recipe.seed,
    skips,
    signal,
    emit: quiet,
  };
  const { source } = await activationsBelowTop(options);
  const before = await validate(part.top, source(split.validation), signal);
  log(`top from ${from} before fine-tuning: validation ${(before.accuracy * 100).toFixed(1)} %`);
  const fitted = await fitDataParallel({
    model: part.top,
    which: 'transfer',
    phase: 2,
    epochs: Number(arg('--epochs') ?? 1),
    patience: 0,
    learningRate: secondPhaseRate(recipe.learningRate),
    optimizer: recipe.optimizer,
    train: source(split.train),
    validation: source(split.validation),
    signal,
    emit: quiet,
    afterEpoch: async () => '',
  });
  for (const m of fitted.history)
    log(`epoch ${m.epoch}: validation ${(m.valAccuracy * 100).toFixed(1)} %, loss ${m.valLoss.toFixed(3)}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`standardized fine-tune check failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
