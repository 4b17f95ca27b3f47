// Sample class folders are what the demo and every image fixture are built from: they must hold the real
// pixels of the source data, the same files on every machine, and cost nothing the second time.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { FASHION_LABELS, loadFashionMnist, parseIdx, readLabelledImages } from '../../src/samples/idx';
import {
  fashionAvailable,
  loadMnistDigit,
  SAMPLES_MARKER,
  writeFashionFolders,
  writeMnistFolders,
} from '../../src/samples/sampleFolders';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-samples-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** Class folder → sorted file names, ignoring the marker. */
function listing(dir: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of fs
    .readdirSync(dir)
    .filter((f) => f !== SAMPLES_MARKER)
    .sort())
    out[c] = fs.readdirSync(path.join(dir, c)).sort();
  return out;
}

async function grayPixels(file: string): Promise<Uint8Array> {
  const meta = await sharp(file).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height, meta.channels, meta.space], ['png', 28, 28, 1, 'b-w'], file);
  // sharp widens one band to sRGB on output unless told to stay grayscale.
  const { data, info } = await sharp(file).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 1);
  return new Uint8Array(data);
}

describe('writeMnistFolders', () => {
  const a = path.join(root, 'mnist-a');
  const options = { classes: [3, 7], perClass: 12, offset: 5, seed: 1 };

  it("writes perClass 28×28 grayscale PNGs per digit, holding the package's own pixels", async () => {
    const result = await writeMnistFolders(a, options);
    assert.deepEqual(result, {
      outDir: a,
      classes: [
        { name: '3', count: 12 },
        { name: '7', count: 12 },
      ],
      written: true,
    });
    const files = listing(a);
    assert.deepEqual(Object.keys(files), ['3', '7']);
    for (const names of Object.values(files)) {
      assert.equal(names.length, 12);
      for (const n of names) assert.match(n, /^\d{5}\.png$/);
    }
    const sevens = await loadMnistDigit(7);
    for (const name of files['7']) {
      const index = Number(name.slice(0, 5)); // files are named after their index in the digit's data
      assert.deepEqual(await grayPixels(path.join(a, '7', name)), sevens.subarray(index * 784, (index + 1) * 784));
    }
  });

  it('gives byte-identical files for the same parameters, and skips work already done', async () => {
    const b = path.join(root, 'mnist-b');
    await writeMnistFolders(b, options);
    assert.deepEqual(listing(b), listing(a));
    for (const [c, names] of Object.entries(listing(a))) {
      for (const n of names)
        assert.ok(fs.readFileSync(path.join(a, c, n)).equals(fs.readFileSync(path.join(b, c, n))), `${c}/${n}`);
    }
    const before = fs.statSync(path.join(a, '3', listing(a)['3'][0])).mtimeMs;
    const again = await writeMnistFolders(a, options);
    assert.equal(again.written, false);
    assert.deepEqual(again.classes, [
      { name: '3', count: 12 },
      { name: '7', count: 12 },
    ]);
    assert.equal(fs.statSync(path.join(a, '3', listing(a)['3'][0])).mtimeMs, before);
  });

  it('rewrites when the parameters change or a file went missing', async () => {
    const c = path.join(root, 'mnist-c');
    await writeMnistFolders(c, options);
    const victim = path.join(c, '7', listing(c)['7'][0]);
    fs.rmSync(victim);
    assert.equal((await writeMnistFolders(c, options)).written, true);
    assert.ok(fs.existsSync(victim));
    await writeMnistFolders(c, { ...options, perClass: 4 });
    assert.deepEqual(
      Object.values(listing(c)).map((f) => f.length),
      [4, 4],
    );
  });

  it("takes disjoint images for disjoint offsets, and a digit's images do not depend on the others asked for", async () => {
    const first = path.join(root, 'mnist-off0');
    const second = path.join(root, 'mnist-off12');
    const alone = path.join(root, 'mnist-alone');
    await writeMnistFolders(first, { classes: [3, 7], perClass: 12, offset: 0, seed: 1 });
    await writeMnistFolders(second, { classes: [3, 7], perClass: 12, offset: 12, seed: 1 });
    await writeMnistFolders(alone, { classes: [7], perClass: 12, offset: 0, seed: 1 });
    const taken = new Set(listing(first)['3']);
    assert.ok(listing(second)['3'].every((f) => !taken.has(f)));
    assert.deepEqual(listing(alone)['7'], listing(first)['7']);
    // offset 5 of the same order: overlaps offset 0 by 7 images
    assert.equal(listing(a)['3'].filter((f) => taken.has(f)).length, 7);
  });

  it('refuses impossible requests with a reason', async () => {
    await assert.rejects(
      writeMnistFolders(path.join(root, 'bad'), { classes: [5], perClass: 900 }),
      /863 images of digit 5/,
    );
    await assert.rejects(writeMnistFolders(path.join(root, 'bad'), { classes: [10], perClass: 1 }), /not a label 0–9/);
    await assert.rejects(writeMnistFolders(path.join(root, 'bad'), { classes: [1, 1], perClass: 1 }), /repeat/);
  });
});

describe(
  'writeFashionFolders',
  { skip: !fashionAvailable() && 'Debian package dataset-fashion-mnist not installed' },
  () => {
    it('names folders after the official labels and writes the idx pixels of that class', async () => {
      const dir = path.join(root, 'fashion');
      const result = await writeFashionFolders(dir, { classes: [9, 0], perClass: 6, split: 'test', offset: 2 });
      assert.deepEqual(result.classes, [
        { name: 'ankle_boot', count: 6 },
        { name: 't-shirt_top', count: 6 },
      ]);
      const test = await loadFashionMnist('test');
      assert.equal(test.count, 10_000);
      for (const [label, name] of [
        [9, 'ankle_boot'],
        [0, 't-shirt_top'],
      ] as const) {
        const names = listing(dir)[name];
        // offset 2: the third to eighth images of the class, in file order
        const expected = [...test.labels.keys()].filter((i) => test.labels[i] === label).slice(2, 8);
        assert.deepEqual(
          names.map((n) => Number(n.slice(0, 5))),
          expected,
        );
        const index = expected[0];
        assert.deepEqual(
          await grayPixels(path.join(dir, name, names[0])),
          test.pixels.subarray(index * 784, (index + 1) * 784),
        );
      }
      assert.equal(
        (await writeFashionFolders(dir, { classes: [9, 0], perClass: 6, split: 'test', offset: 2 })).written,
        false,
      );
    });

    it('reads the train split: 60,000 labelled images, 6,000 per class', async () => {
      const train = await loadFashionMnist('train');
      assert.deepEqual([train.count, train.rows, train.cols], [60_000, 28, 28]);
      const counts = new Array<number>(10).fill(0);
      for (const l of train.labels) counts[l]++;
      assert.deepEqual(counts, new Array(10).fill(6000));
      assert.equal(FASHION_LABELS.length, 10);
    });
  },
);

describe('idx', () => {
  const idx = (dims: number[], body: number[]) => {
    const header = Buffer.alloc(4 + 4 * dims.length);
    header.set([0, 0, 0x08, dims.length]);
    dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
    return Buffer.concat([header, Buffer.from(body)]);
  };

  it('parses plain and gzipped files alike', async () => {
    const plain = idx([2, 1, 3], [1, 2, 3, 4, 5, 6]);
    for (const buf of [plain, gzipSync(plain)]) {
      const parsed = await parseIdx(buf);
      assert.deepEqual(parsed.dims, [2, 1, 3]);
      assert.deepEqual([...parsed.data], [1, 2, 3, 4, 5, 6]);
    }
  });

  it('says what is wrong with a malformed or missing file', async () => {
    await assert.rejects(parseIdx(Buffer.from('GIF89a')), /bad magic number/);
    await assert.rejects(parseIdx(idx([2, 3], [1, 2, 3])), /announces 2×3 = 6 bytes, the file holds 3/);
    await assert.rejects(parseIdx(Buffer.from([0x1f, 0x8b, 1, 2, 3])), /not a valid gzip file/);
    await assert.rejects(parseIdx(Buffer.from([0, 0, 0x0d, 1, 0, 0, 0, 0])), /element type 0xd is not supported/);
    const dir = path.join(root, 'idx');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'i'), idx([2, 1, 1], [7, 8]));
    fs.writeFileSync(path.join(dir, 'l'), idx([3], [0, 1, 2]));
    await assert.rejects(
      readLabelledImages(path.join(dir, 'i'), path.join(dir, 'l')),
      /has 2 images but .* has 3 labels/,
    );
    await assert.rejects(
      loadFashionMnist('test', dir),
      /Fashion-MNIST not found at .*idx: install the Debian package dataset-fashion-mnist/,
    );
    assert.equal(fashionAvailable(dir), false);
  });
});
