// Learning-quality evaluation (issue 13): on real image sets, with fixed seeds, the automatic default flow
// against the best of a small grid of hand-tuned flows chosen on validation, both scored on the same test
// split; the from-scratch baselines; and Compare Bases. A measurement, not a test: it prints what it saw.
//   node --import tsx src/bench/qualityEval.ts [--only fashion|digits|faces|probe] [--budget 180] [--json out.json]
//     [--default-only] [--no-scratch]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunResult, TrainRecipe } from '../shared/engineTypes';
import type { EpochMetrics } from '../shared/evaluationTypes';
import { wilsonInterval } from '../shared/pairedStats';
import { PROBE_VALIDATION_SPLIT } from '../shared/probeRules';
import { DEFAULT_BASE, DEFAULT_SEED, defaultRecipe } from '../shared/recipeDefaults';
import { fashionAvailable, writeFashionFolders, writeGrayPng } from '../samples/sampleFolders';
import { initBackend } from '../trainer/backend/selectBackend';
import { probeBases } from '../trainer/features/probeBases';
import { trainLogged } from './benchTrain';
import { formatProbe, formatTrials } from '../cli/format';

const root = path.join(os.tmpdir(), 'transfer-studio-quality');
const cacheDir = path.join(root, 'cache');
const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const only = arg('--only');
const budget = Number(arg('--budget') ?? 180);
const log = (s: string) => process.stderr.write(`${s}\n`);
const out: Record<string, unknown>[] = [];
const signal = { isCancellationRequested: false };

interface Flow {
  name: string;
  recipe: Partial<TrainRecipe>;
}

/** The hand-tuned grid: the old default, a longer head, a wider head; fine-tuning where the set is small. */
function grid(small: boolean): Flow[] {
  const flows: Flow[] = [
    { name: 'head 10 epochs (old default)', recipe: { epochs: 10, patience: 3 } },
    { name: 'head 50 epochs', recipe: { epochs: 50, patience: 0 } },
    {
      name: 'head 50 epochs, dense 128',
      recipe: { epochs: 50, patience: 0, head: { pooling: 'avg', dense: 128, dropout: 0.3 } },
    },
  ];
  if (small)
    flows.push({
      name: 'head 30 + phase 2 from block_15_expand, 5 epochs',
      recipe: {
        epochs: 30,
        patience: 0,
        secondPhase: { unfreezeFrom: 'block_15_expand', epochs: 5, learningRate: 0.0001 },
      },
    });
  return flows;
}

/** Validation accuracy of the weights a run ended with (best-loss epoch when it stopped early, else the last). */
function finalValidation(history: EpochMetrics[], cap: number): number {
  const phase = history.filter((h) => h.phase === (history.some((x) => x.phase === 2) ? 2 : 1));
  if (phase.length < cap) return phase.reduce((a, b) => (b.valLoss < a.valLoss ? b : a)).valAccuracy;
  return phase[phase.length - 1].valAccuracy;
}

async function run(
  data: string,
  name: string,
  r: Partial<TrainRecipe>,
  split: { val: number; test: number },
): Promise<{ result: RunResult; seconds: number }> {
  const recipe: TrainRecipe = {
    ...defaultRecipe(data),
    validationSplit: split.val,
    testSplit: split.test,
    timeBudget: budget,
    outputDir: path.join(root, 'runs'),
    name,
    ...r,
  };
  return trainLogged(recipe, cacheDir, signal, log);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
// The accuracy and its 95% Wilson interval (honest at 0% and 100%, where a standard error collapses to 0).
const withError = (acc: number, n: number) => {
  const [low, high] = wilsonInterval(Math.round(acc * n), n);
  return `${pct(acc)} (${pct(low)}–${pct(high)})`;
};

async function compare(
  set: string,
  data: string,
  split: { val: number; test: number },
  small: boolean,
  scratch: boolean,
): Promise<void> {
  log(`\n== ${set}: ${data}`);
  const rows: Record<string, unknown>[] = [];
  // The grid runs first: its first run fills the feature cache, so every later run (the default included)
  // starts from it.
  // --default-only: the grid's runs are unchanged by changes to the automatic flow; rerun only the default.
  for (const flow of process.argv.includes('--default-only') ? [] : grid(small)) {
    log(`  grid: ${flow.name}`);
    const { result, seconds } = await run(
      data,
      `${set}-grid`,
      { ...flow.recipe, secondPhase: flow.recipe.secondPhase },
      split,
    );
    const cap = typeof flow.recipe.epochs === 'number' ? flow.recipe.epochs : Infinity;
    const val = finalValidation(
      result.transfer.history,
      flow.recipe.secondPhase && typeof flow.recipe.secondPhase === 'object' ? flow.recipe.secondPhase.epochs : cap,
    );
    const e = result.transfer.evaluation;
    rows.push({
      flow: flow.name,
      validation: val,
      test: e.accuracy,
      testImages: e.count,
      seconds,
      trainSeconds: result.transfer.trainSeconds,
    });
    log(`    validation ${pct(val)} · test ${withError(e.accuracy, e.count)} · ${seconds.toFixed(0)} s`);
  }
  log('  default flow (epochs auto, secondPhase auto)');
  // --no-scratch: the default flow alone, without the from-scratch baselines that train for its time again.
  const withScratch = scratch && !process.argv.includes('--no-scratch');
  const { result, seconds } = await run(data, `${set}-default`, { compareScratch: withScratch }, split);
  const e = result.transfer.evaluation;
  if (result.trials) log(formatTrials(result.trials));
  const best = rows.reduce<Record<string, unknown>>(
    (a, b) => ((b.validation as number) > ((a.validation as number | undefined) ?? -1) ? b : a),
    {},
  );
  const entry = {
    set,
    data,
    split: result.split,
    evaluatedOn: result.transfer.evaluatedOn,
    note: result.evaluationNote,
    default: {
      test: e.accuracy,
      testImages: e.count,
      seconds,
      trainSeconds: result.transfer.trainSeconds,
      trials: result.trials,
      recall: e.perClass.map((c) => [c.name, c.recall]),
    },
    grid: rows,
    gridBest: best,
    baselines: result.baselines?.map((b) => ({
      name: b.name,
      test: b.result.evaluation.accuracy,
      seconds: b.result.trainSeconds,
      epochs: b.result.history.length,
    })),
  };
  out.push(entry);
  log(
    `  default: test ${withError(e.accuracy, e.count)} in ${seconds.toFixed(0)} s${rows.length ? ` · grid best on validation: ${best.flow as string}, test ${withError(best.test as number, best.testImages as number)}` : ''}`,
  );
  for (const b of entry.baselines ?? [])
    log(`  baseline ${b.name}: test ${withError(b.test, e.count)} (${b.epochs} epochs in ${b.seconds.toFixed(0)} s)`);
}

/** Faces vs non-faces, 25×25, from Debian's python3-skimage (lfw_subset.npy: 100 faces, then 100 others). */
async function facesFolder(): Promise<string | undefined> {
  const dir = path.join(root, 'faces');
  if (fs.existsSync(path.join(dir, 'non-face', '099.png'))) return dir;
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'skimage-'));
  try {
    execFileSync('apt-get', ['download', 'python3-skimage'], { cwd: temp, stdio: 'ignore', timeout: 180_000 });
    const deb = fs.readdirSync(temp).find((f) => f.endsWith('.deb'))!;
    execFileSync('dpkg', ['-x', deb, 'x'], { cwd: temp, stdio: 'ignore' });
    const buf = fs.readFileSync(path.join(temp, 'x/usr/lib/python3/dist-packages/skimage/data/lfw_subset.npy'));
    const headerLength = buf.readUInt16LE(8);
    const header = buf.toString('latin1', 10, 10 + headerLength);
    if (!header.includes("'<f8'") || !header.includes('(200, 25, 25)'))
      throw new Error(`unexpected lfw_subset.npy header ${header}`);
    const data = new Float64Array(buf.buffer.slice(buf.byteOffset + 10 + headerLength, buf.byteOffset + buf.length));
    for (let i = 0; i < 200; i++) {
      const label = i < 100 ? 'face' : 'non-face';
      fs.mkdirSync(path.join(dir, label), { recursive: true });
      const pixels = Uint8Array.from(data.subarray(i * 625, (i + 1) * 625), (v) =>
        Math.round(Math.min(1, Math.max(0, v)) * 255),
      );
      await writeGrayPng(path.join(dir, label, `${String(i % 100).padStart(3, '0')}.png`), pixels, 25, 25);
    }
    return dir;
  } catch (e) {
    log(`faces skipped: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  fs.mkdirSync(root, { recursive: true });
  const backend = await initBackend('wasm');
  log(`backend: ${backend.detail}; time budget ${budget} s; machine shared with other jobs, times are under load`);
  const digits = path.resolve('test/fixtures/generated/digits-5-9');
  if (!only || only === 'faces') {
    const faces = await facesFolder();
    if (faces) await compare('faces', faces, { val: 0.2, test: 0.3 }, true, true);
  }
  if ((!only || only === 'fashion') && fashionAvailable()) {
    // Shirt, pullover, T-shirt: the hard Fashion-MNIST classes; 150 per class, 60% of them a fixed test split.
    const fashion = await writeFashionFolders(path.join(root, 'fashion'), {
      classes: [0, 2, 6],
      perClass: 150,
      split: 'test',
      offset: 0,
    });
    await compare('fashion', fashion.outDir, { val: 0.15, test: 0.6 }, false, true);
  }
  if (!only || only === 'digits') await compare('digits', digits, { val: 0.2, test: 0.3 }, false, true);
  if (!only || only === 'probe') {
    // A CNN trained from scratch on digits 0–4 (the develop-model approach) as a second candidate base for 5–9.
    const source = await run(
      path.resolve('test/fixtures/generated/digits-0-4'),
      'source-digits-0-4',
      {
        mode: 'source',
        inputSize: [28, 28],
        inputChannels: 1,
        epochs: 3,
        patience: 0,
        secondPhase: undefined,
        testSplit: 0.1,
      },
      { val: 0.2, test: 0.1 },
    );
    const probe = await probeBases(
      {
        folder: digits,
        bases: [DEFAULT_BASE, source.result.runDir],
        cacheDir,
        seed: DEFAULT_SEED,
        validationSplit: PROBE_VALIDATION_SPLIT,
      },
      signal,
      () => undefined,
    );
    log(formatProbe(probe));
    const recommended = probe.recommended
      ? await run(digits, 'digits-recommended', { base: probe.recommended }, { val: 0.2, test: 0.3 })
      : undefined;
    if (recommended)
      log(
        `recommended base ${probe.recommended}, default flow: test ${withError(recommended.result.transfer.evaluation.accuracy, recommended.result.transfer.evaluation.count)}`,
      );
    out.push({
      set: 'probe',
      probe,
      recommendedTest: recommended?.result.transfer.evaluation.accuracy,
      recommendedTestImages: recommended?.result.transfer.evaluation.count,
    });
  }
  const json = arg('--json');
  if (json) fs.writeFileSync(json, `${JSON.stringify(out, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`quality evaluation failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
