// A model.json is a few bytes of JSON that can declare gigabytes: a weights manifest with huge shapes, or
// a topology whose layers would allocate huge weights while the model is built (before tfjs compares them
// with the manifest). Both are checked against named limits before anything is allocated.
import { formatBytes } from '../../shared/limits';
import { EngineError } from '../../shared/engineError';
import * as tf from '../tf';

export interface WeightsManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

export interface ModelJson {
  modelTopology: tf.io.ModelJSON['modelTopology'];
  weightsManifest: WeightsManifestGroup[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
}

const DTYPES = new Set([
  'float32',
  'int32',
  'bool',
  'string',
  'complex64',
  'uint8',
  'uint16',
  'float16',
  'int16',
  'int8',
]);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The parts of model.json the loader uses, checked field by field; the message names the file and the entry. */
export function checkModelJson(value: unknown, file: string): ModelJson {
  const bad = (what: string): never => {
    throw new EngineError(`${file} is not a valid model.json: ${what}.`);
  };
  if (!isObject(value)) bad('it is not a JSON object');
  const json = value as Record<string, unknown>;
  if (!json.modelTopology)
    throw new EngineError(`${file} has no modelTopology: it is not a TensorFlow.js LayersModel or graph model.`);
  if (!isObject(json.modelTopology)) bad('modelTopology is not an object');
  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest)) bad('weightsManifest is not a list');
  (manifest as unknown[]).forEach((group, g) => {
    if (!isObject(group)) bad(`weightsManifest[${g}] is not an object`);
    const { paths, weights } = group as Record<string, unknown>;
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string'))
      bad(`weightsManifest[${g}].paths is not a list of file names`);
    if (!Array.isArray(weights)) bad(`weightsManifest[${g}].weights is not a list`);
    (weights as unknown[]).forEach((w, i) => {
      const at = `weightsManifest[${g}].weights[${i}]`;
      if (!isObject(w) || typeof w.name !== 'string') bad(`${at} has no name`);
      const entry = w as Record<string, unknown>;
      if (
        !Array.isArray(entry.shape) ||
        !entry.shape.every((d) => Number.isInteger(d) && (d as number) >= 0 && (d as number) < 2 ** 31)
      ) {
        bad(`${at} (${String(entry.name)}) has shape ${JSON.stringify(entry.shape)}, not a list of sizes`);
      }
      if (!DTYPES.has(entry.dtype as string))
        bad(`${at} (${String(entry.name)}) has dtype ${JSON.stringify(entry.dtype)}`);
    });
  });
  return { ...(json as unknown as ModelJson), weightsManifest: manifest as WeightsManifestGroup[] };
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

interface Budget {
  file: string;
  largest: number;
  remaining: number;
}

let active: Budget | undefined;
let installed = false;

/**
 * Runs `load` while every weight a layer creates is checked first: none may be larger than the largest
 * weight in the manifest, nor all of them together more than the manifest holds (a model whose topology
 * matches its manifest always passes; one that does not would fail after allocating, so it fails before).
 */
export async function withWeightBudget<T>(
  file: string,
  specs: readonly tf.io.WeightsManifestEntry[],
  load: () => Promise<T>,
): Promise<T> {
  install();
  const sizes = specs.map((s) => count(s.shape));
  active = { file, largest: Math.max(0, ...sizes), remaining: sizes.reduce((a, b) => a + b, 0) };
  try {
    return await load();
  } finally {
    active = undefined;
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  const proto = tf.layers.Layer.prototype as unknown as {
    addWeight: (this: tf.layers.Layer, name: string, shape: number[], ...rest: unknown[]) => unknown;
  };
  const original = proto.addWeight;
  proto.addWeight = function addWeight(this: tf.layers.Layer, name: string, shape: number[], ...rest: unknown[]) {
    const budget = active;
    if (budget) {
      const n = count(shape);
      if (n > budget.largest || n > budget.remaining) {
        throw new EngineError(
          `${budget.file}: layer ${this.name} declares a weight "${name}" of shape [${shape.join(', ')}] (${formatBytes(n * 4)}), larger than its weights manifest holds (${n > budget.largest ? `largest weight ${formatBytes(budget.largest * 4)}` : `${formatBytes(budget.remaining * 4)} left`}); the topology and the weights do not match.`,
        );
      }
      budget.remaining -= n;
    }
    return original.call(this, name, shape, ...rest);
  };
}
