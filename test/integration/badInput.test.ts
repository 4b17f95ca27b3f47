// Hostile and unusual data: each case gets a specific message, and training goes on where it can.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { scanDataset } from '../../src/trainer/data/datasetScanner';
import { decodeToPixels } from '../../src/trainer/data/imageDecoder';
import { fixture, tempDir, trainerSession } from '../helpers/fixtures';
import * as P from '../../src/shared/trainerProtocol';

const session = trainerSession('bad-input');
const PREP = { size: [28, 28] as [number, number], channels: 3 as const, scale: 'unit' as const };

/**
 * A PNG whose header claims width × height but carries one row of data: no decoder can be tricked into allocating it.
 */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32 ? zlib.crc32(body) : 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(width * 3 + 1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('unusual but valid images decode: 16-bit PNG, CMYK JPEG, animated GIF (first frame), BMP', async () => {
  const dir = tempDir('formats');
  const rgb = { create: { width: 32, height: 24, channels: 3 as const, background: { r: 200, g: 40, b: 10 } } };
  await sharp(rgb).png().toColourspace('rgb16').toFile(path.join(dir, 'deep.png'));
  await sharp(rgb).jpeg().toColourspace('cmyk').toFile(path.join(dir, 'cmyk.jpg'));
  const frames = Buffer.concat([Buffer.alloc(16 * 16 * 4, 255), Buffer.alloc(16 * 16 * 4, 0)]);
  await sharp(frames, { raw: { width: 16, height: 32, channels: 4, pageHeight: 16 } })
    .gif()
    .toFile(path.join(dir, 'anim.gif'));
  // A 2×2 24-bit BMP written by hand: bottom-up rows padded to 4 bytes.
  const bmp = Buffer.alloc(54 + 16);
  bmp.write('BM', 0, 'latin1');
  bmp.writeUInt32LE(bmp.length, 2);
  bmp.writeUInt32LE(54, 10);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(2, 18);
  bmp.writeInt32LE(2, 22);
  bmp.writeUInt16LE(1, 26);
  bmp.writeUInt16LE(24, 28);
  bmp.fill(255, 54); // white
  fs.writeFileSync(path.join(dir, 'tiny.bmp'), bmp);
  for (const f of ['deep.png', 'cmyk.jpg', 'anim.gif', 'tiny.bmp']) {
    const px = await decodeToPixels(path.join(dir, f), PREP);
    assert.equal(px.length, 28 * 28 * 3, f);
  }
  const deep = await decodeToPixels(path.join(dir, 'deep.png'), PREP);
  assert.ok(
    Math.abs(deep[0] - 200) <= 2 && Math.abs(deep[1] - 40) <= 2,
    `16-bit red read as ${deep.subarray(0, 3).join(',')}`,
  );
  const gif = await decodeToPixels(path.join(dir, 'anim.gif'), PREP);
  assert.ok(gif[0] > 200, 'the first (white) frame of the GIF, not the second');
});

test('an image of 20000×20000 pixels is refused from its header, never decoded', async () => {
  const dir = tempDir('huge');
  fs.mkdirSync(path.join(dir, 'a'));
  fs.mkdirSync(path.join(dir, 'b'));
  fs.writeFileSync(path.join(dir, 'a', 'huge.png'), pngHeaderOnly(20000, 20000));
  const before = process.memoryUsage().rss;
  const scan = await scanDataset(dir);
  assert.match(scan.skipped[0].reason, /image too large \(20000×20000 pixels, limit 50 megapixels\)/);
  assert.ok(process.memoryUsage().rss - before < 200 * 2 ** 20);
});

test('class names and paths with spaces, non-ASCII and markup are plain data', async () => {
  const dir = tempDir('names');
  const names = ['<img src=x onerror=alert(1)>', 'crème brûlée', 'two words'];
  const src = path.join(fixture('digits-0-4'), '1');
  for (const n of names) {
    fs.mkdirSync(path.join(dir, n));
    for (const f of fs
      .readdirSync(src)
      .filter((x) => x.endsWith('.png'))
      .slice(0, 6))
      fs.copyFileSync(path.join(src, f), path.join(dir, n, `ñ ${f}`));
  }
  const result = await session.client.sendRequest(P.train, {
    recipe: session.recipe(dir, {
      mode: 'source',
      inputSize: [28, 28],
      inputChannels: 1,
      epochs: 1,
      batchSize: 8,
      patience: 0,
    }),
    cacheDir: session.cacheDir,
  });
  assert.deepEqual(
    result.classes,
    [...names].sort((a, b) => a.localeCompare(b)),
  );
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(result.runDir, 'labels.json'), 'utf8')), result.classes);
});

test('two trainings at once on one trainer are queued, never mixed', async () => {
  const common = {
    mode: 'source' as const,
    inputSize: [28, 28] as [number, number],
    inputChannels: 1 as const,
    epochs: 1,
    batchSize: 16,
    maxPerClass: 20,
    patience: 0,
  };
  const [a, b] = await Promise.all([
    session.client.sendRequest(P.train, {
      recipe: session.recipe(fixture('digits-0-4'), { ...common, name: 'first' }),
      cacheDir: session.cacheDir,
    }),
    session.client.sendRequest(P.train, {
      recipe: session.recipe(fixture('digits-5-9'), { ...common, name: 'second' }),
      cacheDir: session.cacheDir,
    }),
  ]);
  assert.notEqual(a.runDir, b.runDir);
  assert.deepEqual(a.classes, ['0', '1', '2', '3', '4']);
  assert.deepEqual(b.classes, ['5', '6', '7', '8', '9']);
});

test('cancel during feature caching stops early and leaves no run model', async () => {
  const { CancellationTokenSource } = await import('vscode-jsonrpc/node');
  const source = new CancellationTokenSource();
  const listener = session.client.onProgress((e) => {
    if (e.kind === 'stage' && e.stage === 'caching-features' && (e.done ?? 0) > 0) source.cancel();
  });
  await assert.rejects(
    session.client.sendRequest(
      P.train,
      {
        recipe: session.recipe(fixture('fashion-small'), { batchSize: 8, name: 'cancel-cache' }),
        cacheDir: path.join(session.work, 'fresh-cache'),
      },
      source.token,
    ),
    /Cancelled/,
  );
  listener.dispose();
  assert.equal((await session.client.sendRequest(P.hello)).name, 'wasm', 'the trainer still answers');
});

test('a source CNN on 2×2 images is refused before training, naming inputSize, and the trainer lives on', async () => {
  // It used to pass the engine's checks, start a run, pool down to nothing and abort the WASM backend:
  // "ran out of memory… use a smaller batch size".
  const out = tempDir('tiny-input');
  const recipe = session.recipe(fixture('digits-0-4'), {
    mode: 'source',
    inputSize: [2, 2],
    epochs: 1,
    outputDir: out,
  });
  await assert.rejects(session.client.sendRequest(P.train, { recipe, cacheDir: session.cacheDir }), (e: Error) => {
    assert.match(e.message, /^Invalid recipe: "inputSize" must be at least 4×4 in mode source: .*\(got 2×2\)\.$/);
    return true;
  });
  assert.deepEqual(fs.readdirSync(out), [], 'no run folder is started');
  assert.equal((await session.client.sendRequest(P.hello)).name, 'wasm', 'the trainer still answers');
});
