// The exported embeddings must open in NumPy and pandas as they are: checked byte by byte against the
// format spec, and, where Python has NumPy, by NumPy itself in both directions.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  embeddingCsvHeader,
  formatEmbeddingCsv,
  formatFloat32,
  writeEmbeddingCsv,
} from '../../src/trainer/features/embeddingCsv';
import {
  decodeNpy,
  encodeNpy,
  matrixFromRows,
  readNpy,
  writeNpy,
  type Float32Matrix,
} from '../../src/trainer/features/npy';

const hasPython = spawnSync('python3', ['-c', 'import csv'], { stdio: 'ignore' }).status === 0;
const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `ts-${prefix}-`));

function python(script: string, ...args: string[]): string {
  return execFileSync('python3', ['-c', script, ...args], { encoding: 'utf8' });
}

function matrix(rows: number, cols: number): Float32Matrix {
  // Values that catch byte-order and precision slips: signs, fractions, a large and a subnormal number.
  const data = Float32Array.from(
    { length: rows * cols },
    (_, i) => (i % 2 ? -1 : 1) * (i / 7 + (i % 5 === 0 ? 1e30 : 0)),
  );
  if (data.length > 3) data[3] = 1e-42;
  return { rows, cols, data };
}

describe('npy', () => {
  it('round-trips shapes whose header lengths differ', () => {
    for (const [rows, cols] of [
      [0, 4],
      [1, 1],
      [3, 5],
      [10, 1280],
      [123456, 0],
    ]) {
      const m = matrix(rows, cols);
      const back = decodeNpy(encodeNpy(m));
      assert.deepEqual([back.rows, back.cols], [rows, cols]);
      assert.deepEqual(back.data, m.data);
    }
  });

  it('keeps NaN, infinities and negative zero', () => {
    const m = { rows: 1, cols: 4, data: Float32Array.from([NaN, Infinity, -Infinity, -0]) };
    const back = decodeNpy(encodeNpy(m)).data;
    assert.ok(Number.isNaN(back[0]));
    assert.equal(back[1], Infinity);
    assert.equal(back[2], -Infinity);
    assert.ok(Object.is(back[3], -0));
  });

  it('writes a v1.0 header padded with spaces to a 64-byte boundary', () => {
    for (const [rows, cols] of [
      [1, 1],
      [7, 3],
      [1000, 1280],
      [99999, 1],
      [1, 123456],
    ]) {
      const m = { rows, cols, data: new Float32Array(rows * cols) };
      m.data[0] = 1.5;
      const buf = encodeNpy(m);
      assert.deepEqual([...buf.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      const headerLength = buf[8] | (buf[9] << 8); // little-endian uint16
      const dataStart = 10 + headerLength;
      assert.equal(dataStart % 64, 0, `data starts at ${dataStart}`);
      const header = buf.toString('latin1', 10, dataStart);
      assert.equal(header.at(-1), '\n');
      const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
      assert.equal(header.slice(0, dict.length), dict);
      assert.match(header.slice(dict.length, -1), /^ *$/);
      assert.equal(buf.length, dataStart + 4 * rows * cols);
      assert.deepEqual([...buf.subarray(dataStart, dataStart + 4)], [0x00, 0x00, 0xc0, 0x3f]); // 1.5f, little-endian
    }
  });

  it('stacks rows and refuses ragged ones', () => {
    const m = matrixFromRows([Float32Array.of(1, 2), Float32Array.of(3, 4)]);
    assert.deepEqual([m.rows, m.cols, [...m.data]], [2, 2, [1, 2, 3, 4]]);
    assert.deepEqual(matrixFromRows([], 1280), { rows: 0, cols: 1280, data: new Float32Array(0) });
    assert.throws(() => matrixFromRows([Float32Array.of(1, 2), Float32Array.of(3)]), /Row 1 has 1 values, expected 2/);
  });

  it('rejects what it cannot read with a reason', () => {
    assert.throws(() => decodeNpy(Buffer.from('PK\u0003\u0004 not npy')), /not a \.npy file/);
    const f64 = Buffer.from(encodeNpy(matrix(2, 2)));
    f64.write("'<f8'", 10 + f64.toString('latin1', 10).indexOf("'<f4'"), 'latin1');
    assert.throws(() => decodeNpy(f64), /dtype <f8 is not supported/);
    const full = encodeNpy(matrix(2, 2));
    assert.throws(() => decodeNpy(full.subarray(0, full.length - 4)), /needs 16 data bytes, found 12/);
    assert.throws(() => decodeNpy(full.subarray(0, 20)), /truncated header/);
  });

  it(
    'is read by NumPy, and reads what NumPy writes',
    { skip: !hasNumpy && 'python3 with numpy not available' },
    async () => {
      const dir = tempDir('npy');
      const ours = path.join(dir, 'ours.npy');
      const m = matrix(37, 1280);
      await writeNpy(ours, m);
      const seen = JSON.parse(
        python(
          `
import json, sys, numpy as np
a = np.load(sys.argv[1])
print(json.dumps({"shape": a.shape, "dtype": str(a.dtype), "c": bool(a.flags.c_contiguous),
                  "values": a.ravel().tolist()}))`,
          ours,
        ),
      ) as { shape: number[]; dtype: string; c: boolean; values: number[] };
      assert.deepEqual(seen.shape, [37, 1280]);
      assert.equal(seen.dtype, 'float32');
      assert.equal(seen.c, true);
      assert.deepEqual(Float32Array.from(seen.values), m.data); // every value, bit for bit

      const theirs = path.join(dir, 'theirs.npy');
      python(
        'import sys, numpy as np; np.save(sys.argv[1], (np.arange(12, dtype=np.float32) / 3 - 1).reshape(3, 4))',
        theirs,
      );
      const back = await readNpy(theirs);
      assert.deepEqual([back.rows, back.cols], [3, 4]);
      // NumPy computes in float32: divide, round, subtract, round.
      assert.deepEqual(
        back.data,
        Float32Array.from({ length: 12 }, (_, i) => Math.fround(Math.fround(i / 3) - 1)),
      );
      fs.rmSync(dir, { recursive: true, force: true });
    },
  );
});

describe('embedding CSV', () => {
  const awkward = [
    { path: '/data/cats, tabby/1.jpg', label: 'cat', features: Float32Array.of(0.1, -2.5, 1e-7) },
    { path: '/data/say "cheese"/2.png', label: 'dog "rex"', features: Float32Array.of(3, 0, -0) },
    { path: '/data/two\nlines/3.png', label: ' padded ', features: Float32Array.of(NaN, 1 / 3, 65504) },
  ];

  it('quotes only the fields that need it and names the feature columns', () => {
    const text = formatEmbeddingCsv(awkward);
    const lines = text.split('\r\n');
    assert.equal(lines[0], 'path,label,f0,f1,f2');
    assert.equal(lines[1], '"/data/cats, tabby/1.jpg",cat,0.1,-2.5,1e-7');
    assert.equal(lines[2], '"/data/say ""cheese""/2.png","dog ""rex""",3,0,0');
    // The newline inside the quoted path is a bare LF, so it does not end the record.
    assert.equal(lines[3], '"/data/two\nlines/3.png"," padded ",NaN,0.33333334,65504');
    assert.equal(lines.length, 5); // a final CRLF, then nothing
    assert.equal(embeddingCsvHeader(0), 'path,label');
  });

  it('prints each float32 with the fewest digits that read back exactly', () => {
    for (const v of [0.1, 1 / 3, Math.PI, 1e-42, 3.4028234663852886e38, -123456.789, 2 ** -20]) {
      const text = formatFloat32(v);
      assert.equal(Math.fround(Number(text)), Math.fround(v), text);
      assert.ok(text.replace(/^-|e.*$|\./g, '').replace(/^0+/, '').length <= 9, text);
    }
    assert.equal(formatFloat32(0.1), '0.1');
  });

  it('refuses rows of different lengths', () => {
    assert.throws(
      () => formatEmbeddingCsv([awkward[0], { ...awkward[1], features: Float32Array.of(1) }]),
      /has 1 values, the first has 3/,
    );
  });

  it(
    "is read back field for field by Python's csv module",
    { skip: !hasPython && 'python3 not available' },
    async () => {
      const dir = tempDir('csv');
      const file = path.join(dir, 'embeddings.csv');
      await writeEmbeddingCsv(file, awkward);
      const rows = JSON.parse(
        python('import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline="")))))', file),
      ) as string[][];
      assert.equal(rows.length, 4);
      awkward.forEach((r, i) => {
        assert.equal(rows[i + 1][0], r.path);
        assert.equal(rows[i + 1][1], r.label);
        rows[i + 1]
          .slice(2)
          .forEach((field, j) => assert.ok(Math.fround(Number(field)) === r.features[j] || field === 'NaN', field));
      });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  );
});
