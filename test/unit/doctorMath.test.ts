// The data doctor's pure rules: confident learning on probabilities checkable by hand, the perceptual hash
// on real digits and their re-encoded copies, duplicate grouping, the outlier fence, the ignore file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import {
  classThresholds,
  confusedClassPairs,
  confidentJoint,
  labelIssues,
  stratifiedFolds,
} from '../../src/shared/confidentLearning';
import { flaggedWarning } from '../../src/shared/doctorTypes';
import { findDuplicates, NEAR_PIXEL_DISTANCE } from '../../src/shared/duplicates';
import { IGNORE_FILE, parseIgnoreFile, withIgnored } from '../../src/shared/ignoreFile';
import { isolation, outliers, unitRows } from '../../src/shared/outliers';
import { quantile } from '../../src/shared/stats';
import { hammingDistance, perceptualHash } from '../../src/shared/perceptualHash';
import { seededRandom } from '../../src/shared/seededRandom';
import { loadMnistDigit } from '../../src/samples/sampleFolders';

const rows = (...r: number[][]) => Float64Array.from(r.flat());

describe('confident learning', () => {
  // Six examples, two classes; example 2 is labelled 0 but the probe is sure it is a 1.
  const probs = rows([0.9, 0.1], [0.8, 0.2], [0.1, 0.9], [0.2, 0.8], [0.3, 0.7], [0.7, 0.3]);
  const labels = [0, 0, 0, 1, 1, 1];

  it('thresholds are the mean probability of each class over its own examples', () => {
    const t = classThresholds(probs, labels, 2);
    assert.ok(Math.abs(t[0] - 0.6) < 1e-12 && Math.abs(t[1] - 0.6) < 1e-12);
  });

  it('the calibrated joint counts confident off-diagonal examples and keeps class sizes', () => {
    const joint = confidentJoint(probs, labels, 2);
    assert.deepEqual(
      joint.map((r) => r.map((v) => Math.round(v * 100) / 100)),
      [
        [2, 1],
        [1, 2],
      ],
    );
  });

  it('flags the confident off-diagonal examples below 0.5 and names the likely class', () => {
    const issues = labelIssues(probs, labels, 2, { ranking: 'self-confidence', selection: 'noise-rate' });
    assert.deepEqual(
      issues.map((i) => [i.index, i.given, i.likely]),
      [
        [2, 0, 1],
        [5, 1, 0],
      ],
    );
    // A skipped class is not judged.
    assert.deepEqual(
      labelIssues(probs, labels, 2, { ranking: 'self-confidence', selection: 'noise-rate', skip: [true, false] }).map(
        (i) => i.index,
      ),
      [5],
    );
  });

  it('ranks by normalised margin when asked', () => {
    const three = rows([0.4, 0.35, 0.25], [0.45, 0.5, 0.05], [0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.05, 0.9, 0.05]);
    const issues = labelIssues(three, [0, 0, 0, 1, 1], 3, { ranking: 'normalized-margin', selection: 'noise-rate' });
    for (let i = 1; i < issues.length; i++) assert.ok(issues[i - 1].margin <= issues[i].margin);
  });

  it('the ranked selection takes the head of the ranking, as many as the joint estimates', () => {
    // Class 2's row of the joint estimates two wrong labels; prune by noise rate takes them from class 2
    // (examples 5 and 6), the ranked selection takes the two least confident of the whole set (3 and 2).
    const seven = rows(
      [9 / 23, 5 / 23, 9 / 23],
      [9 / 17, 6 / 17, 2 / 17],
      [1 / 3, 1 / 3, 1 / 3],
      [9 / 22, 4 / 22, 9 / 22],
      [1 / 9, 5 / 9, 3 / 9],
      [1 / 11, 5 / 11, 5 / 11],
      [8 / 19, 3 / 19, 8 / 19],
    );
    const given = [0, 0, 0, 1, 1, 2, 2];
    const pick = (selection: 'noise-rate' | 'ranked') =>
      labelIssues(seven, given, 3, { ranking: 'self-confidence', selection }).map((i) => i.index);
    assert.deepEqual(pick('noise-rate'), [6, 5]);
    assert.deepEqual(pick('ranked'), [3, 2]);
  });

  it('confused pairs need more than 10% of the smaller class', () => {
    assert.deepEqual(confusedClassPairs(probs, labels, 2), [{ a: 0, b: 1, count: 2, share: 2 / 3 }]);
    const clean = rows([0.9, 0.1], [0.8, 0.2], [0.1, 0.9], [0.2, 0.8]);
    assert.deepEqual(confusedClassPairs(clean, [0, 0, 1, 1], 2), []);
  });

  it('folds are stratified, balanced and repeatable', () => {
    const y = Array.from({ length: 53 }, (_, i) => (i < 30 ? 0 : i < 47 ? 1 : 2));
    const folds = stratifiedFolds(y, 5, 7);
    assert.deepEqual(stratifiedFolds(y, 5, 7), folds);
    assert.notDeepEqual(stratifiedFolds(y, 5, 8), folds);
    for (const c of [0, 1, 2]) {
      const sizes = [0, 1, 2, 3, 4].map((f) => y.filter((l, i) => l === c && folds[i] === f).length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `class ${c}: ${sizes.join(',')}`);
    }
  });
});

describe('perceptual hash and duplicates on real digits', () => {
  const gray32 = (img: Sharp) => img.greyscale().resize(32, 32, { fit: 'cover' }).raw().toBuffer();
  const digit = async (d: number, k: number) => (await loadMnistDigit(d)).slice(k * 784, (k + 1) * 784);
  const png = (px: Uint8Array) => sharp(Buffer.from(px), { raw: { width: 28, height: 28, channels: 1 } });

  it('re-encoded and resized copies stay within 6 bits; other digits do not', async () => {
    const a = await digit(3, 0);
    const hash = perceptualHash(new Uint8Array(await gray32(png(a))));
    const jpeg = await png(a).jpeg({ quality: 80 }).toBuffer();
    const bigger = await png(a).resize(56, 56).png().toBuffer();
    for (const copy of [jpeg, bigger]) assert.ok(hammingDistance(hash, perceptualHash(await gray32(sharp(copy)))) <= 6);
    const others = await Promise.all([digit(3, 1), digit(8, 0), digit(1, 0)]);
    for (const o of others) assert.ok(hammingDistance(hash, perceptualHash(new Uint8Array(await gray32(png(o))))) > 6);
  });

  it('groups exact copies by bytes and near copies only when the thumbnails agree', () => {
    const plain = new Uint8Array(1024).fill(100);
    const close = plain.map((v, k) => (k % 10 === 0 ? 130 : v)); // 3% of the ink apart
    const far = plain.map((v, k) => (k % 2 === 0 ? 0 : v)); // half the ink gone
    const items = [
      { sha: 'a', hash: '0000000000000000', thumbnail: plain },
      { sha: 'b', hash: '0000000000000003', thumbnail: close }, // 2 bits from item 0
      { sha: 'a', hash: '0000000000000000', thumbnail: plain }, // same bytes as item 0
      { sha: 'c', hash: 'ffffffffffffffff', thumbnail: plain }, // same pixels, hash far: not a candidate
      { sha: 'd', hash: '000000000000003f', thumbnail: far }, // 6 bits from item 0, thumbnails disagree
    ];
    const found = findDuplicates(items);
    assert.deepEqual(
      found.map((m) => [m.index, m.of, m.exact]),
      [
        [1, 0, false],
        [2, 0, true],
      ],
    );
    assert.ok(found[0].distance > 0 && found[0].distance <= NEAR_PIXEL_DISTANCE);
  });

  it('the banded candidate search finds every pair a full comparison finds', () => {
    const random = seededRandom(3);
    const hex = () => Array.from({ length: 16 }, () => Math.floor(random() * 16).toString(16)).join('');
    const flip = (h: string, bits: number) => {
      const w = [parseInt(h.slice(0, 8), 16), parseInt(h.slice(8), 16)];
      for (let b = 0; b < bits; b++) w[Math.floor(random() * 2)] ^= 1 << Math.floor(random() * 32);
      return w.map((x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
    };
    const items = Array.from({ length: 300 }, (_, i) => ({ sha: String(i), hash: hex() }));
    for (let i = 0; i < 60; i++) items.push({ sha: `n${i}`, hash: flip(items[i].hash!, 1 + (i % 7)) });
    const found = findDuplicates(items.map((it) => ({ ...it, thumbnail: new Uint8Array(4) }))).map((m) => [
      m.index,
      m.of,
    ]);
    const expected: number[][] = [];
    const root = items.map((_, i) => i);
    for (let j = 0; j < items.length; j++)
      for (let i = 0; i < j; i++)
        if (hammingDistance(items[i].hash!, items[j].hash!) <= 6) {
          const [a, b] = [root[i], root[j]];
          for (let k = 0; k < root.length; k++) if (root[k] === Math.max(a, b)) root[k] = Math.min(a, b);
        }
    root.forEach((r, i) => r !== i && expected.push([i, r]));
    assert.ok(expected.length >= 50);
    assert.deepEqual(found, expected);
  });
});

describe('outliers', () => {
  it('only examples past Q3 + 3·IQR, at most ⌈1%⌉ of the set, most isolated first', () => {
    // 200 scores: three past the fence, but 1% of 200 is 2.
    const scores = [...Array.from({ length: 197 }, (_, i) => 0.2 + (i % 10) / 100), 0.9, 0.95, 0.8];
    assert.ok(Math.abs(quantile([1, 2, 3, 4], 0.5) - 2.5) < 1e-12);
    assert.deepEqual(
      outliers(scores).map((o) => o.index),
      [198, 197],
    );
    assert.deepEqual(outliers(Array.from({ length: 100 }, (_, i) => i / 100)), []);
  });

  it('an image of another kind sits far from a cluster of digits', async () => {
    const digits = await Promise.all(Array.from({ length: 40 }, (_, k) => loadMnistDigit(k % 2)));
    const features = digits.map((d, k) => Float32Array.from(d.subarray((k >> 1) * 784, ((k >> 1) + 1) * 784)));
    const stripes = Float32Array.from({ length: 784 }, (_, i) => (Math.floor(i / 28) % 2 ? 255 : 0));
    const iso = isolation(unitRows([...features, stripes]), 1);
    assert.deepEqual(
      outliers(iso).map((o) => o.index),
      [40],
    );
  });
});

describe('ignore file and the training warning', () => {
  it('parses paths, comments and Windows separators, and appends each path once', () => {
    const text = withIgnored('', ['3\\a.png', './7/b.png']);
    assert.deepEqual([...parseIgnoreFile(text)], ['3/a.png', '7/b.png']);
    assert.equal(withIgnored(text, ['3/a.png']), text);
    assert.match(IGNORE_FILE, /^\./);
  });

  it('warns from 3% and at least 3 flagged examples', () => {
    assert.equal(flaggedWarning(2, 20), undefined);
    assert.equal(flaggedWarning(29, 1000), undefined);
    assert.match(flaggedWarning(30, 1000)!, /30 of 1000 images \(3\.0%\)/);
    assert.match(flaggedWarning(3, 10)!, /3 of 10/);
  });
});
