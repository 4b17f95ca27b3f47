// scikit-learn's digits (1,797 scans of 8×8 handwritten digits, values 0–16, from Debian's python3-sklearn)
// as class folders of small PNGs: the extraction job the issue measured against its peers.
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';

/** Where Debian's python3-sklearn puts the file (installed, or unpacked with `dpkg -x` into a folder). */
export const SKLEARN_DIGITS_CSV = 'usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz';
/** The csv is 1,797 rows of 65 numbers; anything far larger is not that file. */
const MAX_CSV_BYTES = 4 * 2 ** 20;

/** Writes `<outDir>/<digit>/<row>.png` (8×8 grey, 0–16 scaled to 0–255); returns how many were written. */
export async function writeSklearnDigits(csvGz: string, outDir: string): Promise<number> {
  const size = fs.statSync(csvGz).size;
  if (size > MAX_CSV_BYTES)
    throw new Error(`${csvGz}: ${size} bytes, more than the ${MAX_CSV_BYTES} a digits.csv.gz can be.`);
  const text = gunzipSync(fs.readFileSync(csvGz), { maxOutputLength: 8 * MAX_CSV_BYTES }).toString('utf8');
  const rows = text
    .trim()
    .split('\n')
    .map((line) => line.split(',').map(Number));
  const bad = rows.findIndex((r) => r.length !== 65 || r.some((v) => !Number.isInteger(v) || v < 0 || v > 16));
  if (bad >= 0) throw new Error(`${csvGz}: row ${bad + 1} is not 64 pixel values in 0–16 and a label.`);
  await Promise.all(
    rows.map(async (r, i) => {
      const dir = path.join(outDir, String(r[64]));
      fs.mkdirSync(dir, { recursive: true });
      const pixels = Buffer.from(r.slice(0, 64).map((v) => Math.min(255, v * 16)));
      await sharp(pixels, { raw: { width: 8, height: 8, channels: 1 } })
        .png()
        .toFile(path.join(dir, `${String(i).padStart(4, '0')}.png`));
    }),
  );
  return rows.length;
}
