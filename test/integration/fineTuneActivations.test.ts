// The automatic fine-tune's activations below its top blocks come from the feature pass that compares the
// cuts (issue 29): the boundary found on the base alone must be the one the fine-tune's split finds, and the
// fine-tune's activation cache must then find every example cached, with the values its own bottom computes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { autoUnfreezeFrom, candidateCuts } from '../../src/shared/autoFlow';
import { neverCancelled } from '../../src/shared/engineError';
import { resolveFreezePlan, secondPhasePlan } from '../../src/shared/freezePlan';
import { imageInput } from '../../src/shared/inputSpec';
import { initBackend } from '../../src/trainer/backend/selectBackend';
import { SkipList } from '../../src/trainer/data/batchStream';
import { loadBase, type BaseModel } from '../../src/trainer/models/baseModel';
import { splitBelowTrainable, type FrozenSplit } from '../../src/trainer/models/frozenSplit';
import { applyFreezePlan, buildTransferModel } from '../../src/trainer/models/transferModel';
import { activationsBelowTop, type CachedTopOptions } from '../../src/trainer/train/cachedTop';
import { featuresAtCuts } from '../../src/trainer/train/cutFeatures';
import { measureCosts } from '../../src/trainer/train/measureCosts';
import { measureAugmented, measuredExamples } from '../../src/trainer/train/augmentedCost';
import { exampleSource, featureSource } from '../../src/trainer/train/batchSources';
import { dataKind } from '../../src/trainer/data/kinds/registry';
import { openFrozenSessions } from '../../src/trainer/runtime/frozenRuntime';
import { DEFAULT_AUGMENTATION } from '../../src/shared/recipeDefaults';
import { boundaryBelow, cachedActivations, fineTuneBoundaries } from '../../src/trainer/train/topBoundaries';
import { tempDir } from '../helpers/fixtures';
import { fixtureSamples } from '../helpers/fixtureSamples';

// ONNX Runtime runs both passes, in a different graph each (the extraction model also pools other cuts).
const TOLERANCE = 1e-3;

let base: BaseModel;

before(async () => {
  await initBackend('wasm');
  base = await loadBase('mobilenet_v2', tempDir('top-boundary-base'));
});

test("the boundary below each candidate cut's top blocks is the one the fine-tune's split finds", () => {
  const { layers, defaultFeatureLayer } = base.description;
  const cuts = candidateCuts(layers, defaultFeatureLayer);
  assert.equal(cuts.length, 3);
  for (const cut of cuts) {
    const from = autoUnfreezeFrom(layers, cut)!;
    const plan = resolveFreezePlan(layers, { featureLayer: cut }, cut);
    const tm = buildTransferModel(base.model, plan, { pooling: 'avg' }, 3, 1);
    applyFreezePlan(tm.full, secondPhasePlan(plan, layers, from));
    const split = splitBelowTrainable(tm.full);
    assert.ok(split, cut);
    assert.equal(boundaryBelow(base.model, from, cut), split.boundary, `${cut}, fine-tuned from ${from}`);
  }
  assert.deepEqual(fineTuneBoundaries(base.model, layers, cuts, 10).length, 3);
  // Beyond the memory bound the fine-tune would stream images instead: nothing to store.
  assert.deepEqual(fineTuneBoundaries(base.model, layers, cuts, 10_000_000), []);
});

test("the feature pass stores the fine-tune's activations: its cache finds all of them, as its bottom computes them", async () => {
  const { layers, defaultFeatureLayer } = base.description;
  const all = fixtureSamples('fashion-small', 1);
  const cut = defaultFeatureLayer;
  const cacheDir = tempDir('top-boundary-cache');
  await featuresAtCuts({
    base,
    cuts: candidateCuts(layers, defaultFeatureLayer),
    samples: all,
    cacheDir,
    batchSize: 4,
    skips: new SkipList(),
    signal: neverCancelled,
    emit: () => undefined,
    activations: fineTuneBoundaries(base.model, layers, candidateCuts(layers, cut), all.length),
  });
  const plan = resolveFreezePlan(layers, { featureLayer: cut }, cut);
  const tm = buildTransferModel(base.model, plan, { pooling: 'avg' }, 3, 1);
  applyFreezePlan(tm.full, secondPhasePlan(plan, layers, autoUnfreezeFrom(layers, cut)!));
  const part = splitBelowTrainable(tm.full)!;
  const options = (dir: string): CachedTopOptions => ({
    part,
    samples: all,
    input: imageInput(base.description.preprocessing),
    cacheDir: dir,
    baseKey: base.resolved.contentKey,
    modelJsonPath: base.resolved.modelJsonPath,
    classes: 3,
    batchSize: 4,
    seed: 1,
    skips: new SkipList(),
    signal: neverCancelled,
    emit: () => undefined,
  });
  const found = await cachedActivations(options(cacheDir));
  assert.deepEqual([found.cached, found.storeSeconds], [all.length, 0], 'all cached: nothing to store');
  // Nothing cached: storing them is timed on a few writes of their size, which leave nothing behind.
  const empty = tempDir('top-boundary-empty');
  assert.equal((await cachedActivations(options(empty))).cached, 0);
  assert.deepEqual(
    fs.readdirSync(empty, { recursive: true }).filter((f) => !fs.statSync(path.join(empty, String(f))).isDirectory()),
    [],
  );
  const stored = await activationsBelowTop(options(cacheDir));
  assert.deepEqual([stored.hits, stored.misses], [all.length, 0]);
  const fresh = await activationsBelowTop(options(tempDir('top-boundary-fresh')));
  assert.deepEqual([fresh.hits, fresh.misses], [0, all.length]);
  for (const s of all) {
    const [a, b] = [stored.features.get(s.path)!, fresh.features.get(s.path)!];
    assert.equal(a.length, b.length);
    const worst = a.reduce((m, v, k) => Math.max(m, Math.abs(v - b[k])), 0);
    assert.ok(worst < TOLERANCE, `${s.path}: the stored activations differ by ${worst}`);
  }
});

/** The automatic fine-tune's split at the default cut: its top blocks over 3 classes. */
function defaultTop(): FrozenSplit {
  const { layers, defaultFeatureLayer: cut } = base.description;
  const plan = resolveFreezePlan(layers, { featureLayer: cut }, cut);
  const tm = buildTransferModel(base.model, plan, { pooling: 'avg' }, 3, 1);
  applyFreezePlan(tm.full, secondPhasePlan(plan, layers, autoUnfreezeFrom(layers, cut)!));
  return splitBelowTrainable(tm.full)!;
}

test('measuring what the fine-tune of the top would cost leaves its weights as they were', async () => {
  const part = defaultTop();
  const before = part.top.getWeights().map((w) => w.dataSync().slice());
  const train = fixtureSamples('fashion-small', 3);
  const input = imageInput(base.description.preprocessing);
  // Batches of 8 split across the training worker, as the fit would split them.
  const costInput = {
    input,
    recipe: { batchSize: 8, optimizer: 'adam' as const },
    split: { train },
    classes: 3,
  };
  const costs = await measureCosts(part, costInput, true);
  for (const [name, v] of Object.entries(costs)) assert.ok(Number.isFinite(v) && v >= 0, `${name} ${v}`);
  // With every activation cached the bottom does not run: it is not started, and costs nothing.
  assert.equal((await measureCosts(part, costInput, false)).bottomSecondsPerImage, 0);
  part.top.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), before[i], part.top.weights[i].name));
});

test("measuring an augmented fine-tune runs its own loop on a few batches and leaves the top's weights", async () => {
  const part = defaultTop();
  const before = part.top.getWeights().map((w) => w.dataSync().slice());
  const input = imageInput(base.description.preprocessing);
  // 9 images in batches of 4: the measured run takes the two whole batches, so a gap between batches exists.
  assert.deepEqual(
    [measuredExamples(9, 4), measuredExamples(100, 32), measuredExamples(250, 32), measuredExamples(40, 32)],
    [8, 96, 128, 40],
  );
  const train = fixtureSamples('fashion-small', 3);
  const shape = part.top.inputs[0].shape.slice(1) as number[];
  const one = train.slice(0, 1);
  const values = new Map(one.map((s) => [s.path, new Float32Array(shape.reduce((a, b) => a * b, 1))]));
  const batchesDone: number[] = [];
  const costs = await measureAugmented(part, {
    fit: {
      which: 'transfer',
      phase: 2,
      epochs: 1,
      learningRate: 1e-4,
      patience: 0,
      signal: neverCancelled,
      emit: (e) => (e.kind === 'batch' ? batchesDone.push(e.batch) : undefined),
      afterEpoch: async () => '',
    },
    train,
    batchSize: 4,
    images: (samples) => exampleSource(dataKind(input), input, samples, 3, 4, 1, new SkipList(), DEFAULT_AUGMENTATION),
    validation: featureSource(one, values, shape, 3, 4, 1),
    replayEpochSeconds: 1,
  });
  for (const [name, v] of Object.entries(costs)) assert.ok(Number.isFinite(v) && v >= 0, `${name} ${v}`);
  assert.ok(costs.batchSeconds > 0 && costs.firstBatchSeconds > 0, JSON.stringify(costs));
  assert.equal(costs.keptFraction, 1, 'nine decoded images fit in the memo');
  assert.deepEqual(batchesDone, [], "the measurement's progress is its own, not the trial's");
  assert.equal(openFrozenSessions(), 0, "the bottom's session is released");
  part.top.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), before[i], part.top.weights[i].name));
});
