// Reads a Keras model file: a Keras 3 `.keras` zip (config.json + model.weights.h5) or a legacy `.h5`
// (model_config attribute + model_weights group), through h5wasm and fflate. Every size is checked against
// src/shared/limits.ts before anything is inflated or allocated.
import { formatBytes, LIMITS } from '../../shared/limits';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';

type H5 = typeof import('h5wasm/node');
type H5File = InstanceType<H5['File']>;
type H5Group = InstanceType<H5['Group']>;
type H5Dataset = InstanceType<H5['Dataset']>;

/** One weight array as stored, in Keras' order for its layer. */
export interface StoredWeight {
  shape: number[];
  values: Float32Array;
}

/** A Keras file opened for conversion; `close()` releases the HDF5 handle and any temporary file. */
export interface KerasArchive {
  format: 'keras' | 'h5';
  config: unknown;
  /** Weights of a layer by its name, in storage order; [] for a layer without weights. */
  weightsOf(layer: string): StoredWeight[];
  close(): void;
}

/** Thrown for a file that is not a readable Keras model; the message is complete. */
export class KerasFileError extends Error {}

let h5module: Promise<H5> | undefined;
async function h5wasm(): Promise<H5> {
  // h5wasm is ESM-only; esbuild turns this into a require in the cjs bundles, tsx into an import.
  h5module ??= import('h5wasm/node').then(async (m) => {
    await m.ready;
    return m;
  });
  return h5module;
}

export async function openKerasFile(file: string): Promise<KerasArchive> {
  const size = fs.statSync(file).size;
  if (size > LIMITS.maxKerasFileBytes) {
    throw new KerasFileError(
      `${file} is ${formatBytes(size)}, more than the limit maxKerasFileBytes = ${formatBytes(LIMITS.maxKerasFileBytes)}.`,
    );
  }
  const head = Buffer.alloc(8);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 8, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.readUInt32LE(0) === 0x04034b50) return openZip(file);
  if (head.equals(Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]))) return openLegacyH5(file);
  throw new KerasFileError(`${file} is neither a Keras 3 .keras archive (zip) nor an HDF5 .h5 file.`);
}

async function openZip(file: string): Promise<KerasArchive> {
  const wanted = new Set(['config.json', 'model.weights.h5']);
  let total = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(fs.readFileSync(file), {
      // The directory's sizes are checked before fflate allocates and inflates each entry.
      filter: (entry) => {
        if (!wanted.has(entry.name)) return false;
        const limit = entry.name === 'config.json' ? LIMITS.maxKerasConfigBytes : LIMITS.maxZipEntryBytes;
        if (entry.originalSize > limit) {
          throw new KerasFileError(
            `${file}: ${entry.name} unpacks to ${formatBytes(entry.originalSize)}, more than the limit ${entry.name === 'config.json' ? 'maxKerasConfigBytes' : 'maxZipEntryBytes'} = ${formatBytes(limit)}.`,
          );
        }
        total += entry.originalSize;
        if (total > LIMITS.maxZipTotalBytes)
          throw new KerasFileError(
            `${file} unpacks to more than the limit maxZipTotalBytes = ${formatBytes(LIMITS.maxZipTotalBytes)}.`,
          );
        return true;
      },
    });
  } catch (e) {
    if (e instanceof KerasFileError) throw e;
    throw new KerasFileError(`${file} is not a readable .keras archive (the zip is damaged or truncated).`);
  }
  for (const name of wanted)
    if (!entries[name]) throw new KerasFileError(`${file} has no ${name}: it is not a Keras 3 model archive.`);
  const config = parseJson(Buffer.from(entries['config.json']).toString('utf8'), `${file} (config.json)`);
  // h5wasm's Node build reads real files, so the weights go to a private temporary file for the read.
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-keras-'));
  const weightsFile = path.join(tmpDir, 'model.weights.h5');
  fs.writeFileSync(weightsFile, entries['model.weights.h5']);
  const cleanup = (): void => fs.rmSync(tmpDir, { recursive: true, force: true });
  let h5: H5File;
  try {
    h5 = await openH5(weightsFile, `${file} (model.weights.h5)`);
  } catch (e) {
    cleanup();
    throw e;
  }
  const byName = kerasVarsGroups(h5);
  const budget = { bytes: 0 };
  return {
    format: 'keras',
    config,
    weightsOf: (layer) => {
      const group = byName.get(layer);
      if (!group) return [];
      const count = group.keys().length;
      return Array.from({ length: count }, (_, i) =>
        readDataset(group.get(String(i)), `${file}: weight ${i} of layer "${layer}"`, budget),
      );
    },
    close: () => {
      h5.close();
      cleanup();
    },
  };
}

/** In model.weights.h5 each layer's weights sit under layers/<path>/vars, which names its layer. */
function kerasVarsGroups(h5: H5File): Map<string, H5Group> {
  const result = new Map<string, H5Group>();
  const visit = (group: H5Group, depth: number): void => {
    if (depth > 6) return;
    for (const key of group.keys()) {
      const child = group.get(key);
      if (!isGroup(child)) continue;
      if (key === 'vars') {
        const named = child.attrs['name']?.value;
        // Without the attribute (older Keras 3 versions) the folder holding vars is the layer's name.
        const name = typeof named === 'string' ? named : (group.path.split('/').pop() ?? '');
        if (!result.has(name)) result.set(name, child);
      } else {
        visit(child, depth + 1);
      }
    }
  };
  const layers = h5.get('layers');
  if (isGroup(layers)) visit(layers, 0);
  return result;
}

async function openLegacyH5(file: string): Promise<KerasArchive> {
  const h5 = await openH5(file, file);
  try {
    const text = h5.attrs['model_config']?.value;
    if (typeof text !== 'string')
      throw new KerasFileError(
        `${file} is an HDF5 file without a model_config: not a Keras model (weights-only files cannot be imported).`,
      );
    if (text.length > LIMITS.maxKerasConfigBytes)
      throw new KerasFileError(
        `${file}: model_config is longer than the limit maxKerasConfigBytes = ${formatBytes(LIMITS.maxKerasConfigBytes)}.`,
      );
    const root = h5.get('model_weights');
    if (!isGroup(root)) throw new KerasFileError(`${file} has no model_weights group: not a Keras model file.`);
    const budget = { bytes: 0 };
    const paths = legacyWeightPaths(root);
    return {
      format: 'h5',
      config: parseJson(text, `${file} (model_config)`),
      weightsOf: (layer) =>
        (paths.get(layer) ?? []).map((p) =>
          readDataset(root.get(p), `${file}: weight ${p} of layer "${layer}"`, budget),
        ),
      close: () => h5.close(),
    };
  } catch (e) {
    h5.close();
    throw e;
  }
}

/**
 * Each group of model_weights lists its weights in `weight_names` ending "<layer>/<weight>"; a nested model's group
 * (a keras.applications base inside the user's model) lists all of its layers' weights, in order.
 */
function legacyWeightPaths(root: H5Group): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const group of root.keys()) {
    const entity = root.get(group);
    if (!isGroup(entity)) continue;
    const names = entity.attrs['weight_names']?.value;
    for (const w of Array.isArray(names) ? names.map(String) : []) {
      // "<layer>/<weight>", or "<model>/<layer>/<weight>" in a Sequential model's file.
      const parts = w.split('/');
      const layer = parts[parts.length - 2] ?? group;
      result.set(layer, [...(result.get(layer) ?? []), `${group}/${w}`]);
    }
  }
  return result;
}

async function openH5(file: string, label: string): Promise<H5File> {
  const h5 = await h5wasm();
  try {
    return new h5.File(file, 'r');
  } catch {
    throw new KerasFileError(`${label} is not a readable HDF5 file (damaged or truncated).`);
  }
}

function isGroup(entity: unknown): entity is H5Group {
  return (
    typeof (entity as H5Group | null)?.keys === 'function' &&
    typeof (entity as { shape?: unknown }).shape === 'undefined'
  );
}

function readDataset(entity: unknown, label: string, budget: { bytes: number }): StoredWeight {
  const ds = entity as H5Dataset | null;
  if (!ds || isGroup(ds) || !('shape' in ds)) throw new KerasFileError(`${label} is missing.`);
  const shape = ds.shape ?? [];
  const elements = shape.reduce((a, b) => a * b, 1);
  if (elements > LIMITS.maxKerasWeightElements)
    throw new KerasFileError(
      `${label} has ${elements} values, more than the limit maxKerasWeightElements = ${LIMITS.maxKerasWeightElements}.`,
    );
  budget.bytes += elements * 4;
  if (budget.bytes > LIMITS.maxKerasWeightBytes)
    throw new KerasFileError(
      `${label}: the weights exceed the limit maxKerasWeightBytes = ${formatBytes(LIMITS.maxKerasWeightBytes)}.`,
    );
  const value = ds.value;
  if (value instanceof Float32Array) return { shape, values: value };
  if (value instanceof Float64Array || value instanceof Int32Array || value instanceof Uint8Array)
    return { shape, values: Float32Array.from(value) };
  if (value instanceof BigInt64Array || value instanceof BigUint64Array)
    return { shape, values: Float32Array.from(value, Number) };
  if (typeof value === 'number' || typeof value === 'bigint') return { shape, values: Float32Array.of(Number(value)) };
  throw new KerasFileError(`${label} has an unsupported data type (${JSON.stringify(ds.dtype)}).`);
}

function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new KerasFileError(`${label} is not valid JSON.`);
  }
}
