import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { SkipList, decodeBatch } from '../../src/trainer/data/batchStream';
import { scanDataset, trainableClasses } from '../../src/trainer/data/datasetScanner';
import { decodeToPixels } from '../../src/trainer/data/imageDecoder';
import { fixture, tempDir } from '../helpers/fixtures';

test('the scanner keeps real images, skips junk with reasons, and ignores hidden files', async () => {
  const scan = await scanDataset(fixture('messy'));
  const names = Object.fromEntries(scan.classes.map((c) => [c.name, c.files.map((f) => path.basename(f))]));
  assert.deepEqual(names['digit-1'], ['00000.png', '00001.png', '00002.png', '00003.png']);
  assert.ok(names['digit-0'].includes('converted.jpg') && names['digit-0'].includes('gray-alpha.png'));
  assert.ok(!names['digit-0'].some((f) => f.startsWith('.')));
  const reasons = Object.fromEntries(scan.skipped.map((s) => [path.basename(s.path), s.reason]));
  assert.equal(reasons['empty.jpg'], 'empty file (0 bytes)');
  assert.equal(reasons['notes.txt'], 'not an image file type (.txt)');
  assert.match(reasons['text.jpg'], /^not a readable image/);
  assert.ok(scan.warnings.some((w) => /"empty-class" has no usable images/.test(w)));
  assert.ok(scan.warnings.some((w) => /"single-image" has 1 image/.test(w)));
});

test('training refuses a class under the minimum with the folder to fix', async () => {
  const scan = await scanDataset(fixture('messy'));
  assert.throws(() => trainableClasses(scan, 2), /Too few images in "single-image" \(1\).*messy\/single-image/);
});

test('a missing folder or a folder without classes is a clear error', async () => {
  await assert.rejects(scanDataset('/nonexistent/data'), /Dataset folder not found/);
  await assert.rejects(scanDataset(tempDir('flat')), /No class folders/);
});

test('a truncated image passes the header check and is skipped with its reason at decode time', async () => {
  const scan = await scanDataset(fixture('messy'));
  const samples = scan.classes[0].files.map((p) => ({ path: p, label: 0 }));
  const skips = new SkipList();
  const batch = await decodeBatch(samples, { size: [28, 28], channels: 1, scale: 'unit' }, skips);
  assert.equal(batch.samples.length, samples.length - 1);
  assert.deepEqual(
    skips.entries.map((s) => path.basename(s.path)),
    ['truncated.png'],
  );
  assert.match(skips.entries[0].reason, /could not be decoded/);
  assert.equal(batch.pixels.length, batch.samples.length * 28 * 28);
});

test('decoding handles grayscale, alpha, EXIF orientation and symlink loops', async () => {
  const dir = tempDir('decode');
  // A 40×20 landscape image stored with EXIF orientation 6 (rotate 90°) must come out as portrait content.
  const left = await sharp({ create: { width: 40, height: 20, channels: 3, background: { r: 255, g: 0, b: 0 } } })
    .composite([
      {
        input: { create: { width: 20, height: 20, channels: 3, background: { r: 0, g: 0, b: 255 } } },
        left: 20,
        top: 0,
      },
    ])
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toBuffer();
  fs.writeFileSync(path.join(dir, 'rotated.jpg'), left);
  const px = await decodeToPixels(path.join(dir, 'rotated.jpg'), { size: [20, 40], channels: 3, scale: 'unit' });
  // After rotating 90° clockwise the red half is on top, the blue half at the bottom.
  assert.ok(px[0] > 200 && px[2] < 60, `top pixel ${px.subarray(0, 3).join(',')}`);
  const bottom = 39 * 20 * 3;
  assert.ok(px[bottom + 2] > 200 && px[bottom] < 60, `bottom pixel ${px.subarray(bottom, bottom + 3).join(',')}`);

  const gray = await decodeToPixels(path.join(fixture('messy'), 'digit-0', 'gray-alpha.png'), {
    size: [28, 28],
    channels: 3,
    scale: 'unit',
  });
  assert.equal(gray.length, 28 * 28 * 3);

  fs.mkdirSync(path.join(dir, 'data', 'a'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'data', 'b'), { recursive: true });
  fs.copyFileSync(path.join(dir, 'rotated.jpg'), path.join(dir, 'data', 'a', 'x.jpg'));
  fs.copyFileSync(path.join(dir, 'rotated.jpg'), path.join(dir, 'data', 'b', 'y.jpg'));
  fs.symlinkSync(path.join(dir, 'data', 'a'), path.join(dir, 'data', 'a', 'loop'));
  const scan = await scanDataset(path.join(dir, 'data'));
  assert.deepEqual(
    scan.classes.map((c) => c.files.length),
    [1, 1],
  );
  assert.ok(scan.skipped.some((s) => /symlink loop/.test(s.reason)));
});
