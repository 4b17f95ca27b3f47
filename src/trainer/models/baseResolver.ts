// Resolves what the user calls a "base" to a model.json on disk plus how its inputs are prepared:
// a built-in id, a model.json (or the folder holding it), a run folder of ours, or an http(s) URL
// (downloaded once into the cache).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Preprocessing } from '../../shared/engineTypes';
import { LIMITS } from '../../shared/limits';
import { EngineError } from '../../shared/engineError';
import { readFileBounded, readJsonFile } from '../../io/boundedRead';
import { preprocessingProblem, RUN_FILES, type ModelSidecar } from '../../shared/runFiles';
import { isRunFolder, readRunInfo } from '../../io/runFiles';
import { imagePreprocessing } from '../../shared/inputSpec';
import { downloadModel } from './modelDownload';
import { folderBytes } from './folderBytes';
import { packageRoot } from '../packageRoot';
import { BUILTIN_BASE_INFO, BUILTIN_BASES, builtinBaseDetail, type BuiltinBaseId } from '../../shared/builtinBases';
import { importKerasFile, KERAS_FILE_PATTERN } from '../interchange/kerasImport';

export { BUILTIN_BASES };

export interface ResolvedBase {
  spec: string;
  source: 'builtin' | 'file' | 'run' | 'url';
  modelJsonPath: string;
  title: string;
  /** Undefined when the model does not say: the input shape decides the size, scale defaults to [0, 1]. */
  preprocessing?: Partial<Preprocessing>;
  defaultFeatureLayer?: string;
  credit?: string;
  /** Changes whenever the model's files change: part of every feature-cache key. */
  contentKey: string;
}

export async function resolveBase(spec: string, cacheDir: string, cwd = process.cwd()): Promise<ResolvedBase> {
  const trimmed = spec.trim();
  if (!trimmed)
    throw new EngineError('No base model given. Use "mobilenet_v2", a model.json path, a run folder or a URL.');
  if ((BUILTIN_BASES as readonly string[]).includes(trimmed)) {
    const dir = path.join(packageRoot(), 'dist', 'models', trimmed);
    if (!fs.existsSync(path.join(dir, 'model.json')))
      throw new EngineError(`The built-in base ${trimmed} is missing from ${dir}; run "npm run build".`);
    const info = BUILTIN_BASE_INFO[trimmed as BuiltinBaseId];
    return {
      ...fromFolder(trimmed, 'builtin', dir, 'base.json'),
      title: info.title,
      preprocessing: { size: info.inputSize, channels: 3, scale: 'unit' },
      defaultFeatureLayer: info.defaultFeatureLayer,
      credit: builtinBaseDetail(trimmed as BuiltinBaseId, folderBytes(dir)),
    };
  }
  if (/^https?:\/\//i.test(trimmed)) {
    const dir = await downloadModel(trimmed, cacheDir);
    return { ...fromFolder(trimmed, 'url', dir, 'metadata.json'), title: trimmed };
  }
  const target = path.resolve(cwd, trimmed);
  if (!fs.existsSync(target)) {
    throw new EngineError(
      `Base model not found: ${target}. Use ${BUILTIN_BASES.join(', ')}, a model.json path, a Keras .keras/.h5 file, a run folder or an http(s) URL.`,
    );
  }
  if (fs.statSync(target).isDirectory()) {
    if (isRunFolder(target)) return fromFolder(trimmed, 'run', target, 'run.json');
    if (!fs.existsSync(path.join(target, 'model.json'))) throw new EngineError(`No model.json in ${target}.`);
    return fromFolder(trimmed, 'file', target, 'metadata.json');
  }
  if (/\.onnx$/i.test(target)) {
    throw new EngineError(
      `${target} is an ONNX model: ONNX files cannot be used as a base; use a Keras (.keras/.h5) or TensorFlow.js model.`,
    );
  }
  // A Keras file is converted once into the cache; from there on it is a TF.js base like any other.
  if (KERAS_FILE_PATTERN.test(target))
    return fromFolder(trimmed, 'file', await importKerasFile(target, cacheDir), 'metadata.json');
  const dir = path.dirname(target);
  return { ...fromFolder(trimmed, 'file', dir, 'metadata.json'), modelJsonPath: target };
}

function fromFolder(spec: string, source: ResolvedBase['source'], dir: string, sidecarName: string): ResolvedBase {
  const modelJsonPath = path.join(dir, 'model.json');
  const sidecar = readSidecar(path.join(dir, sidecarName));
  return {
    spec,
    source,
    modelJsonPath,
    title: sidecar.title ?? (source === 'run' ? `run ${path.basename(dir)}` : path.basename(dir)),
    preprocessing: sidecar.preprocessing,
    defaultFeatureLayer: sidecar.defaultFeatureLayer,
    credit: sidecar.credit,
    contentKey: hashFile(modelJsonPath),
  };
}

function readSidecar(file: string): ModelSidecar {
  if (path.basename(file) === RUN_FILES.info) return runSidecar(path.dirname(file));
  if (!fs.existsSync(file)) return {};
  const raw = readJsonFile(file, LIMITS.maxJsonFileBytes, 'model metadata') as ModelSidecar & { imageSize?: number };
  if (typeof raw !== 'object' || raw === null) return {};
  // Teachable Machine exports a metadata.json with imageSize and feed images scaled to [-1, 1].
  const sidecar =
    raw.imageSize && !raw.preprocessing
      ? {
          ...raw,
          preprocessing: { size: [raw.imageSize, raw.imageSize], scale: 'symmetric' } as Partial<Preprocessing>,
        }
      : raw;
  if (sidecar.preprocessing) {
    // Only the fields a sidecar gives are checked; the model's input shape supplies the rest.
    const problem = preprocessingProblem({ size: [1, 1], channels: 3, scale: 'unit', ...sidecar.preprocessing });
    if (problem) throw new EngineError(`${file} is damaged: ${problem}.`);
  }
  return sidecar;
}

/** A run of ours as a base: its run.json, checked by the run folder's contract (any version). */
function runSidecar(dir: string): ModelSidecar {
  const { input, ...info } = readRunInfo(dir);
  if (input.kind !== 'image')
    throw new EngineError(`Run ${dir} takes ${input.kind}: only image runs can be a base so far.`);
  return { ...info, preprocessing: imagePreprocessing(input) };
}

/** model.json names its weight files, and ours are content-named, so hashing model.json covers both. */
function hashFile(file: string): string {
  const hash = createHash('sha256');
  try {
    const json = readFileBounded(file, LIMITS.maxModelJsonBytes, 'model');
    hash.update(json);
    // Foreign models may keep their weight file names across versions: include their sizes and times.
    for (const p of (
      JSON.parse(json.toString('utf8')) as { weightsManifest?: { paths: string[] }[] }
    ).weightsManifest?.flatMap((g) => g.paths) ?? []) {
      const st = fs.statSync(path.resolve(path.dirname(file), p), { throwIfNoEntry: false });
      hash.update(`${p}:${st?.size}:${st?.mtimeMs}`);
    }
  } catch {
    hash.update(file);
  }
  return hash.digest('hex').slice(0, 16);
}
