// The run folder's contract, in one place: which files it holds, what run.json and the checkpoint state say,
// and the field checks every reader applies (the trainer, the CLI and the extension host read the same files
// after anyone may have edited them). Pure: src/io/runFiles.ts reads the files, bounded, with these checks.
import type { Preprocessing, RunTimings, TrainRecipe } from './engineTypes';
import type { EpochMetrics, Trial } from './evaluationTypes';
import { EngineError } from './engineError';
import { imageInput, type InputSpec } from './inputSpec';
import { LIMITS } from './limits';

/** The files of a run folder, by what they hold. */
export const RUN_FILES = {
  /** RunInfo: how to feed the model, its status, how it was chosen. */
  info: 'run.json',
  recipe: 'recipe.json',
  labels: 'labels.json',
  metrics: 'metrics.json',
  evaluation: 'evaluation.json',
  skipped: 'skipped.json',
  model: 'model.json',
  /** Folder with the model of the last finished epoch and its CheckpointState. */
  checkpoint: 'checkpoint',
  checkpointState: 'checkpoint/state.json',
} as const;

/** run.json's current version; version 1 had `preprocessing` (images) where version 2 has `input`. */
export const RUN_INFO_VERSION = 2;

export type RunStatus = 'training' | 'finished' | 'cancelled' | 'failed';
const STATUSES: readonly RunStatus[] = ['training', 'finished', 'cancelled', 'failed'];

/** Metadata our runs write beside their model (run.json); also read from built-in bases (base.json). */
export interface ModelSidecar {
  title?: string;
  id?: string;
  preprocessing?: Partial<Preprocessing>;
  defaultFeatureLayer?: string;
  credit?: string;
}

/** run.json: how to feed the model and how to reuse it as a base. */
export interface RunInfo extends Omit<ModelSidecar, 'preprocessing'> {
  version: typeof RUN_INFO_VERSION;
  created: string;
  status: RunStatus;
  /** Why a failed run stopped, in the words the user saw. */
  error?: string;
  mode: TrainRecipe['mode'];
  base: string;
  featureLayer?: string;
  classes: string[];
  /** What the model takes, by kind of data. */
  input: InputSpec;
  backend: string;
  /** Parameters of the whole model (base kept by the cut + head) that trained and that stayed fixed. */
  trainableParams?: number;
  frozenParams?: number;
  /** What the automatic flow tried, what each scored on validation and which was kept, in order. */
  trials?: Trial[];
  /** Said when the choices and the final figure used the same (validation) split. */
  evaluationNote?: string;
  /** Where the run's time went (seconds), locally and on Ray alike. */
  timings?: RunTimings;
}

/** checkpoint/state.json: the model of the epoch just finished, and the history up to it. */
export interface CheckpointState {
  model: string;
  phase: number;
  epoch: number;
  /** Every finished epoch of the run so far, so a resumed run reports its whole history. */
  history: EpochMetrics[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isWholeIn = (v: unknown, min: number, max: number): v is number =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** A damaged run file: one line naming the file and the field. */
function fail(file: string, what: string): never {
  throw new EngineError(`${file} is damaged: ${what}.`);
}

/** Why a preprocessing record cannot be used, or undefined; the size is bounded as a recipe's inputSize is. */
export function preprocessingProblem(p: unknown, field = 'preprocessing'): string | undefined {
  if (!isObject(p)) return `${field} is missing`;
  const size = p.size;
  const max = LIMITS.maxInputSide;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((s) => isWholeIn(s, 1, max))) {
    return `${field}.size must be [height, width] with whole numbers from 1 to ${max} (limit maxInputSide), not ${JSON.stringify(size)}`;
  }
  if (p.channels !== 1 && p.channels !== 3)
    return `${field}.channels must be 1 or 3, not ${JSON.stringify(p.channels)}`;
  if (!['unit', 'symmetric', 'raw'].includes(p.scale as string))
    return `${field}.scale must be unit, symmetric or raw, not ${JSON.stringify(p.scale)}`;
  return undefined;
}

/** Why an input spec cannot be used, or undefined. Kinds this version lacks are refused by the trainer. */
export function inputProblem(input: unknown): string | undefined {
  if (!isObject(input)) return 'input is missing';
  if (typeof input.kind !== 'string') return 'input.kind is missing';
  if (input.kind === 'image') return preprocessingProblem(input, 'input');
  if (input.kind === 'text' && !isWholeIn(input.maxLength, 1, 1_000_000))
    return `input.maxLength must be a whole number from 1 to 1000000, not ${JSON.stringify(input.maxLength)}`;
  return undefined;
}

/** run.json as written by any version: version 1 (`preprocessing`) becomes version 2 with an image input. */
export function checkRunInfo(value: unknown, file: string): RunInfo {
  if (!isObject(value)) fail(file, 'it is not a JSON object');
  if (!STATUSES.includes(value.status as RunStatus))
    fail(file, `status ${JSON.stringify(value.status)} is not one of training, finished, cancelled, failed`);
  if (!Array.isArray(value.classes) || value.classes.length < 1 || !value.classes.every((c) => typeof c === 'string'))
    fail(file, 'classes must be a list of class names');
  if (value.version === 1 || value.version === undefined) {
    const problem = preprocessingProblem(value.preprocessing);
    if (problem) fail(file, problem);
    const { preprocessing, ...rest } = value;
    return { ...rest, version: RUN_INFO_VERSION, input: imageInput(preprocessing as Preprocessing) } as RunInfo;
  }
  if (value.version !== RUN_INFO_VERSION)
    fail(file, `version ${JSON.stringify(value.version)} is newer than this Transfer Studio`);
  const problem = inputProblem(value.input);
  if (problem) fail(file, problem);
  return value as unknown as RunInfo;
}

/** checkpoint/state.json. */
export function checkCheckpointState(value: unknown, file: string): CheckpointState {
  if (!isObject(value)) fail(file, 'it is not a JSON object');
  if (value.phase !== 1 && value.phase !== 2) fail(file, `phase must be 1 or 2, not ${JSON.stringify(value.phase)}`);
  if (!isWholeIn(value.epoch, 1, 10_000))
    fail(file, `epoch must be a whole number from 1 to 10000, not ${JSON.stringify(value.epoch)}`);
  if (!Array.isArray(value.history) || !value.history.every((h) => isObject(h) && Number.isInteger(h.epoch)))
    fail(file, 'history must be a list of epochs');
  return value as unknown as CheckpointState;
}
