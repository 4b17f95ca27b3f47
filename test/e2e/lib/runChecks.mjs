// What a scenario checks on disk after the extension trained: the run folder's files, the model (loaded
// with tfjs from node_modules, as any tfjs app would), the metrics, and the extension's own log.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { findFiles } from './codeServer.mjs';

const require = createRequire(path.resolve(import.meta.dirname, '../../../package.json'));

/** Polls `probe` until it returns a truthy value (which is returned) or `timeout` ms pass. */
export async function waitFor(probe, { timeout, interval = 500, what }) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

export const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** Run folders of a workspace, oldest first (their names start with a timestamp). */
export function runFolders(workspace, runsFolder = '.transfer-studio/runs') {
  const dir = path.join(workspace, runsFolder);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(dir, e.name))
    .sort();
}

const DTYPE_BYTES = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, string: NaN };

/**
 * Checks that every weight file of a model.json exists and that each group's files hold exactly the bytes
 * its weight specs describe. Returns the parsed model.json and its total weight bytes.
 */
export function checkWeightFiles(modelJsonPath) {
  const model = readJson(modelJsonPath);
  if (!model.modelTopology || !Array.isArray(model.weightsManifest))
    throw new Error(`${modelJsonPath} is not a tfjs LayersModel`);
  let total = 0;
  for (const group of model.weightsManifest) {
    const expected = group.weights.reduce((sum, w) => {
      const count = w.shape.reduce((a, b) => a * b, 1);
      return sum + count * DTYPE_BYTES[w.quantization?.dtype ?? w.dtype];
    }, 0);
    let actual = 0;
    for (const p of group.paths) {
      const file = path.join(path.dirname(modelJsonPath), p);
      if (!fs.existsSync(file)) throw new Error(`weight file ${p} of ${modelJsonPath} is missing`);
      actual += fs.statSync(file).size;
    }
    if (actual !== expected)
      throw new Error(`${modelJsonPath}: weight files hold ${actual} bytes, the manifest says ${expected}`);
    total += actual;
  }
  return { model, weightBytes: total };
}

let tfReady;
/** tfjs core + layers on the WASM backend (it finds its .wasm beside its own dist in node_modules). */
async function tfjs() {
  tfReady ??= (async () => {
    const tf = require('@tensorflow/tfjs-core');
    require('@tensorflow/tfjs-backend-wasm');
    const layers = require('@tensorflow/tfjs-layers');
    await tf.setBackend('wasm');
    return { tf, layers };
  })();
  return tfReady;
}

/**
 * Loads a run folder's model.json with tfjs-layers through an in-memory handler (model JSON plus weight
 * files read from disk) and predicts on one blank image; returns the output shape and the probabilities.
 */
export async function loadAndPredict(modelJsonPath) {
  const { model: json } = checkWeightFiles(modelJsonPath);
  const { tf, layers } = await tfjs();
  const buffers = json.weightsManifest.flatMap((g) =>
    g.paths.map((p) => fs.readFileSync(path.join(path.dirname(modelJsonPath), p))),
  );
  const weightData = new Uint8Array(Buffer.concat(buffers)).buffer;
  const model = await layers.loadLayersModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
    }),
  });
  const inputShape = model.inputs[0].shape.slice(1);
  const input = tf.zeros([1, ...inputShape]);
  const output = model.predict(input);
  const probabilities = Array.from(await output.data());
  const shape = output.shape;
  tf.dispose([input, output]);
  model.dispose();
  return { inputShape, shape, probabilities };
}

/**
 * Checks a finished or cancelled run folder's model, labels and run.json; returns what it read.
 * `status` is the run.json status expected.
 */
export async function checkRunFolder(dir, status) {
  const run = readJson(path.join(dir, 'run.json'));
  if (run.status !== status) throw new Error(`${dir}/run.json status is "${run.status}", expected "${status}"`);
  const labels = readJson(path.join(dir, 'labels.json'));
  const prediction = await loadAndPredict(path.join(dir, 'model.json'));
  if (prediction.shape.join() !== `1,${labels.length}`) {
    throw new Error(`model output shape [${prediction.shape}] does not match ${labels.length} labels`);
  }
  const sum = prediction.probabilities.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-3) throw new Error(`model outputs do not sum to 1 (${sum})`);
  return { run, labels, prediction };
}

/** Whether metrics.json shows learning: val accuracy rose or ended above chance, and training loss fell. */
export function checkLearning(dir, classes) {
  const epochs = readJson(path.join(dir, 'metrics.json')).transfer;
  if (!Array.isArray(epochs) || epochs.length === 0) throw new Error(`${dir}/metrics.json has no epochs`);
  const first = epochs[0];
  const last = epochs[epochs.length - 1];
  const chance = 1 / classes;
  if (!(last.valAccuracy > first.valAccuracy || last.valAccuracy > chance)) {
    throw new Error(
      `no learning: val accuracy ${first.valAccuracy} -> ${last.valAccuracy} (chance ${chance.toFixed(2)})`,
    );
  }
  if (!(last.loss < first.loss)) throw new Error(`no learning: training loss ${first.loss} -> ${last.loss}`);
  return { epochs: epochs.length, first, last };
}

const EVENT_LOOP_LINE =
  /host event-loop delay while training: p50 ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms \((\d+) samples\)/g;

/** The extension's LogOutputChannel files ("Transfer Studio.log" under the user-data logs). */
export function extensionLogs(userDataDir) {
  return findFiles(path.join(userDataDir, 'logs'), /^Transfer Studio\.log$/);
}

/** Every event-loop line the host logged after a training, in order. */
export function eventLoopLines(userDataDir) {
  const found = [];
  for (const file of extensionLogs(userDataDir)) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(EVENT_LOOP_LINE)) {
      found.push({ p50: Number(m[1]), p99: Number(m[2]), max: Number(m[3]), samples: Number(m[4]), line: m[0], file });
    }
  }
  return found;
}
