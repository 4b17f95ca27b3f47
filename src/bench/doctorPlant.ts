// Plants known problems into a copy of a clean class folder, for the data doctor's evaluation: label flips
// (uniform, or toward each class's most-confused class), re-encoded and resized copies, and images from
// another data set. Seeded: the same seed plants the same problems.
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { seededRandom, shuffled } from '../shared/seededRandom';
import { writeGrayPng } from '../samples/sampleFolders';

export interface CleanFolder {
  classes: { name: string; files: string[] }[];
}

export interface PlantOptions {
  seed: number;
  /** 'none' plants nothing but copies and strays; 'confused' needs `confusedWith`. */
  flips: 'none' | 'uniform' | 'confused';
  flipShare: number;
  /** For each class index, its most-confused other class. */
  confusedWith?: number[];
  copies: number;
  /** 28×28 gray images from another set, each written into a random class. */
  strays: Uint8Array[];
}

export interface Planted {
  folder: string;
  /** Flipped files (where they now are) → their true class index. */
  flipped: Map<string, number>;
  /** [copy, original], both as they now are. */
  copies: [string, string][];
  strays: Set<string>;
}

export async function plantFolder(clean: CleanFolder, out: string, o: PlantOptions): Promise<Planted> {
  await fs.rm(out, { recursive: true, force: true });
  const names = clean.classes.map((c) => c.name);
  await Promise.all(names.map((n) => fs.mkdir(path.join(out, n), { recursive: true })));
  const random = seededRandom(o.seed * 1009 + 17);
  const all = clean.classes.flatMap((c, label) => c.files.map((file) => ({ file, label })));
  const order = shuffled(
    all.map((_, i) => i),
    random,
  );
  const nFlips = o.flips === 'none' ? 0 : Math.round(o.flipShare * all.length);
  const flipSet = new Set(order.slice(0, nFlips));
  const copySet = order.slice(nFlips, nFlips + o.copies);
  const planted: Planted = { folder: out, flipped: new Map(), copies: [], strays: new Set() };
  const placed: string[] = [];
  for (const [i, { file, label }] of all.entries()) {
    let to = label;
    if (flipSet.has(i)) {
      const other = Math.floor(random() * (names.length - 1));
      to = o.flips === 'confused' ? o.confusedWith![label] : other >= label ? other + 1 : other;
    }
    // The source class in the name keeps names unique (MNIST numbers images per digit).
    const dest = path.join(out, names[to], `${names[label]}_${path.basename(file)}`);
    await fs.copyFile(file, dest);
    placed[i] = dest;
    if (to !== label) planted.flipped.set(dest, label);
  }
  for (const [n, i] of copySet.entries()) {
    const original = placed[i];
    const stem = original.replace(/\.png$/, '');
    const image = sharp(all[i].file);
    // Half are re-encoded as JPEG, half resized (1.5×) and saved as PNG: both change every byte.
    const copy = n % 2 === 0 ? `${stem}-copy.jpg` : `${stem}-copy.png`;
    if (n % 2 === 0) await image.jpeg({ quality: 85 }).toFile(copy);
    else await image.resize(42, 42).png().toFile(copy);
    planted.copies.push([copy, original]);
  }
  for (const [n, pixels] of o.strays.entries()) {
    const file = path.join(out, names[Math.floor(random() * names.length)], `stray-${n}.png`);
    await writeGrayPng(file, pixels);
    planted.strays.add(file);
  }
  return planted;
}

/** Every file's pixels at 28×28 gray, for the pixel-distance truth of duplicates. */
export async function smallPixels(files: readonly string[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const f of files)
    out.push(new Uint8Array(await sharp(f).greyscale().resize(28, 28, { fit: 'fill' }).raw().toBuffer()));
  return out;
}

/**
 * How different two pictures' pixels are, 0–1: the summed absolute difference over the summed larger value
 * (weighted Jaccard). Unlike a plain mean it is not made small by a shared black background.
 */
export function pixelDistance(a: Uint8Array, b: Uint8Array): number {
  let diff = 0;
  let top = 0;
  for (let i = 0; i < a.length; i++) {
    diff += Math.abs(a[i] - b[i]);
    top += Math.max(a[i], b[i]);
  }
  return top === 0 ? 0 : diff / top;
}
