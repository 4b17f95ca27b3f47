// Learning curves of the text models (issue 25): on two real sets, n = 10, 50, 200 training examples per
// class × 5 seeds, each scored on the same held-out test examples per seed; mean ± standard error of the
// test accuracy for the default model (fused: one head over the TF-IDF and GloVe rows; auto keeps it unless a
// candidate beats it on validation beyond chance), the lexical baseline, GloVe mean + logistic regression, the
// GloVe half of the default alone and fine-tuned GloVe. A measurement, not a test: it prints what it saw.
//   node --import tsx src/bench/text/textCurves.ts [--only sotu|spam] [--sizes 10,50,200] [--seeds 5]
//     [--seed-from 0] [--kinds fused,lexical,glove-mean]
import { seededRandom, shuffled } from '../../shared/seededRandom';
import { meanSpread } from '../../shared/stats';
import { dedupeTexts, type TextExample } from '../../shared/text/textExamples';
import {
  argmax,
  fitTextModel,
  scoreTexts,
  TEXT_MODEL_KINDS,
  textFeatures,
  type TextModelKind,
} from '../../trainer/text/textHeads';
import { builtinWordVectors } from '../../trainer/text/wordVectors';
import { sotuSentences, spamAssassinBodies } from '../../samples/textSets';

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
/** The curve's sizes; the classes kept are those with enough examples for the largest of them. */
const CURVE_SIZES = [10, 50, 200];
const sizes = arg('--sizes')?.split(',').map(Number) ?? CURVE_SIZES;
const seeds = Number(arg('--seeds') ?? 5);
/** The first seed (several processes may share the seeds of one curve). */
const seedFrom = Number(arg('--seed-from') ?? 0);
const only = arg('--only');
const kinds = (arg('--kinds')?.split(',') ?? TEXT_MODEL_KINDS) as TextModelKind[];
const log = (s: string) => process.stderr.write(`${s}\n`);

const SETS = {
  sotu: { load: sotuSentences, testPerClass: 100 },
  spam: { load: spamAssassinBodies, testPerClass: 250 },
};

/** Per seed: a disjoint test set, then the first n of one shuffled pool per class for each n. */
function curve(name: string, examples: TextExample[], testPerClass: number) {
  const vectors = builtinWordVectors();
  // Classes with too few examples for the largest training size and the test set are left out; the same ones
  // whichever sizes this process runs, so a curve split by sizes among processes is one curve.
  const need = testPerClass + Math.max(...CURVE_SIZES, ...sizes);
  const all = [...new Set(examples.map((e) => e.label))].sort();
  const classes = all.filter((c) => examples.filter((e) => e.label === c).length >= need);
  if (classes.length < all.length)
    log(`${name}: left out (fewer than ${need}): ${all.filter((c) => !classes.includes(c)).join(', ')}`);
  const byClass = classes.map((c) => examples.filter((e) => e.label === c));
  const counts = byClass.map((b) => b.length);
  log(`${name}: ${examples.length} examples, classes ${classes.map((c, i) => `${c} ${counts[i]}`).join(', ')}`);
  const acc = new Map<string, number[]>();
  for (let seed = seedFrom; seed < seedFrom + seeds; seed++) {
    const random = seededRandom(1000 + seed);
    const pools = byClass.map((b) => shuffled(b, random));
    const test = pools.flatMap((p) => p.slice(0, testPerClass));
    const testY = test.map((e) => classes.indexOf(e.label));
    const testF = textFeatures(
      vectors,
      test.map((e) => e.text),
    );
    for (const n of sizes) {
      const train = pools.flatMap((p) => p.slice(testPerClass, testPerClass + n));
      const y = train.map((e) => classes.indexOf(e.label));
      const trainF = textFeatures(
        vectors,
        train.map((e) => e.text),
      );
      for (const kind of kinds) {
        const started = performance.now();
        const model = fitTextModel(kind, trainF, y, classes.length, seed);
        const probs = scoreTexts(model, testF);
        const a = probs.filter((p, i) => argmax(p) === testY[i]).length / test.length;
        const key = `${n}\t${kind}`;
        acc.set(key, [...(acc.get(key) ?? []), a]);
        const w = model.fused?.weighting;
        const verdict = w
          ? ` (out-of-fold log-loss: rule ${w.ruleLoss.toFixed(4)}, other ${w.otherLoss.toFixed(4)}, ` +
            `SE ${w.standardError.toFixed(4)}${w.switched ? ', switched' : ''})`
          : '';
        const counts = model.fused ? ` ${model.fused.binary ? 'binary' : 'sublinear'}${verdict}` : '';
        log(
          `  seed ${seed} n=${n} ${kind}: ${(a * 100).toFixed(1)}% ${((performance.now() - started) / 1000).toFixed(1)} s${counts}`,
        );
      }
    }
  }
  printTable(name, acc);
}

function printTable(name: string, acc: Map<string, number[]>) {
  console.log(`\n${name}: test accuracy %, mean ± standard error over ${seeds} seeds`);
  console.log(['per class', ...kinds].map((s) => s.padEnd(16)).join(''));
  for (const n of sizes) {
    const cells = kinds.map((k) => {
      const xs = acc.get(`${n}\t${k}`)!;
      const { mean, standardError } = meanSpread(xs);
      return `${(mean * 100).toFixed(1)} ± ${(standardError * 100).toFixed(1)}`;
    });
    console.log([String(n), ...cells].map((s) => s.padEnd(16)).join(''));
  }
}

for (const [name, set] of Object.entries(SETS)) {
  if (only && only !== name) continue;
  curve(name, dedupeTexts(set.load()).examples, set.testPerClass);
}
