// Embeddings leave the tool as NumPy `.npy` files so `np.load` opens them with no extra package.
// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import fs from 'node:fs/promises';
import { EngineError } from '../../shared/engineError';

/** A row-major float32 matrix: row i is `data[i*cols … (i+1)*cols)`. */
export interface Float32Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
const PREAMBLE_V1 = MAGIC.length + 2 + 2; // magic, version, uint16 header length
const ALIGN = 64;

/** Stacks equal-length rows into one matrix. `cols` is needed only when there are no rows. */
export function matrixFromRows(rows: readonly Float32Array[], cols = rows[0]?.length ?? 0): Float32Matrix {
  const data = new Float32Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new EngineError(`Row ${i} has ${row.length} values, expected ${cols}.`);
    data.set(row, i * cols);
  });
  return { rows: rows.length, cols, data };
}

/** Encodes a 2-D float32 array as `.npy` version 1.0, little-endian, C order. */
export function encodeNpy(m: Float32Matrix): Buffer {
  if (m.data.length !== m.rows * m.cols)
    throw new EngineError(`Matrix ${m.rows}×${m.cols} holds ${m.data.length} values.`);
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${m.rows}, ${m.cols}), }`;
  // The spec pads with spaces and ends in '\n' so the data starts on a 64-byte boundary (memory-mapping).
  const unpadded = PREAMBLE_V1 + dict.length + 1;
  const headerLength = dict.length + 1 + ((ALIGN - (unpadded % ALIGN)) % ALIGN);
  const out = Buffer.alloc(PREAMBLE_V1 + headerLength + 4 * m.data.length);
  MAGIC.copy(out, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(headerLength, 8);
  out.write(dict.padEnd(headerLength - 1, ' ') + '\n', PREAMBLE_V1, 'latin1');
  const view = new DataView(out.buffer, out.byteOffset + PREAMBLE_V1 + headerLength, 4 * m.data.length);
  // DataView pins little-endian whatever the host's byte order is.
  for (let i = 0; i < m.data.length; i++) view.setFloat32(4 * i, m.data[i], true);
  return out;
}

/** Decodes `.npy` versions 1.0–3.0 holding a float32 array of rank 1 or 2 (rank 1 reads as one column). */
export function decodeNpy(buf: Uint8Array, source = '.npy data'): Float32Matrix {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < PREAMBLE_V1 || !b.subarray(0, MAGIC.length).equals(MAGIC))
    throw new EngineError(`${source} is not a .npy file.`);
  const major = b[6];
  if (major < 1 || major > 3) throw new EngineError(`${source}: .npy version ${major}.${b[7]} is not supported.`);
  const lengthBytes = major === 1 ? 2 : 4;
  const headerStart = MAGIC.length + 2 + lengthBytes;
  if (b.length < headerStart) throw new EngineError(`${source}: truncated header.`);
  const headerLength = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const dataStart = headerStart + headerLength;
  if (b.length < dataStart) throw new EngineError(`${source}: truncated header.`);
  const header = b.toString(major === 3 ? 'utf8' : 'latin1', headerStart, dataStart);

  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  if (descr !== '<f4')
    throw new EngineError(`${source}: dtype ${descr ?? '?'} is not supported (only little-endian float32, '<f4').`);
  if (/'fortran_order':\s*True/.test(header))
    throw new EngineError(`${source}: Fortran-ordered arrays are not supported.`);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) throw new EngineError(`${source}: header has no shape.`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.length < 1 || shape.length > 2 || shape.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new EngineError(`${source}: shape (${shapeText}) is not a 1-D or 2-D array.`);
  }
  const [rows, cols = 1] = shape;
  const count = rows * cols;
  if (b.length - dataStart !== 4 * count)
    throw new EngineError(
      `${source}: shape (${shapeText}) needs ${4 * count} data bytes, found ${b.length - dataStart}.`,
    );
  const view = new DataView(b.buffer, b.byteOffset + dataStart, 4 * count);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = view.getFloat32(4 * i, true);
  return { rows, cols, data };
}

export async function writeNpy(file: string, m: Float32Matrix): Promise<void> {
  await fs.writeFile(file, encodeNpy(m));
}

export async function readNpy(file: string): Promise<Float32Matrix> {
  return decodeNpy(await fs.readFile(file), file);
}
