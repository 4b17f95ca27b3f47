// The files of a run folder are read back (resume, predict, evaluate, reuse as a base) after anyone may have
// edited, cut or replaced them: each is checked field by field, and sizes are bounded before anything is
// allocated from them. Every problem is one line naming the file and the field.
import type { Preprocessing, TrainRecipe } from '../../shared/engineTypes';
import { LIMITS } from '../../shared/limits';
import { recipeProblems } from '../../shared/recipeChecks';
import { recipeTypeProblems } from '../../shared/recipeFields';
import { EngineError } from '../../shared/engineError';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isWholeIn = (v: unknown, min: number, max: number): v is number =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

function fail(file: string, what: string): never {
  throw new EngineError(`${file} is damaged: ${what}.`);
}

/** Why a preprocessing record cannot be used, or undefined; the size is bounded as a recipe's inputSize is. */
export function preprocessingProblem(p: unknown): string | undefined {
  if (!isObject(p)) return 'preprocessing is missing';
  const size = p.size;
  const max = LIMITS.maxInputSide;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((s) => isWholeIn(s, 1, max))) {
    return `preprocessing.size must be [height, width] with whole numbers from 1 to ${max} (limit maxInputSide), not ${JSON.stringify(size)}`;
  }
  if (p.channels !== 1 && p.channels !== 3)
    return `preprocessing.channels must be 1 or 3, not ${JSON.stringify(p.channels)}`;
  if (!['unit', 'symmetric', 'raw'].includes(p.scale as string))
    return `preprocessing.scale must be unit, symmetric or raw, not ${JSON.stringify(p.scale)}`;
  return undefined;
}

/** run.json as written by runFolder. */
export function checkRunInfo<T>(value: unknown, file: string): T {
  if (!isObject(value)) fail(file, 'it is not a JSON object');
  if (!['training', 'finished', 'cancelled', 'failed'].includes(value.status as string))
    fail(file, `status ${JSON.stringify(value.status)} is not one of training, finished, cancelled, failed`);
  if (!Array.isArray(value.classes) || value.classes.length < 1 || !value.classes.every((c) => typeof c === 'string'))
    fail(file, 'classes must be a list of class names');
  const prep = preprocessingProblem(value.preprocessing);
  if (prep) fail(file, prep);
  return value as T;
}

/** checkpoint/state.json. */
export function checkCheckpointState<T>(value: unknown, file: string): T {
  if (!isObject(value)) fail(file, 'it is not a JSON object');
  if (value.phase !== 1 && value.phase !== 2) fail(file, `phase must be 1 or 2, not ${JSON.stringify(value.phase)}`);
  if (!isWholeIn(value.epoch, 1, 10_000))
    fail(file, `epoch must be a whole number from 1 to 10000, not ${JSON.stringify(value.epoch)}`);
  if (!Array.isArray(value.history) || !value.history.every((h) => isObject(h) && Number.isInteger(h.epoch)))
    fail(file, 'history must be a list of epochs');
  return value as T;
}

/** recipe.json of a run folder: the same type and range checks as a recipe file. */
export function checkRunRecipe(value: unknown, file: string): TrainRecipe {
  if (!isObject(value)) fail(file, 'it is not a JSON object');
  const types = recipeTypeProblems(value);
  if (types.length) fail(file, types.join('; '));
  const r = value as unknown as TrainRecipe;
  if (
    typeof r.data !== 'string' ||
    typeof r.outputDir !== 'string' ||
    typeof r.base !== 'string' ||
    !isObject(r.head) ||
    !isObject(r.freeze)
  ) {
    fail(file, 'data, base, outputDir, head and freeze are required');
  }
  const problems = recipeProblems(r).map((p) => p.message);
  if (problems.length) fail(file, problems.join('; '));
  return r;
}

/** Float32 bytes of one batch of input; refused over the limit before any batch is decoded. */
export function checkBatchBytes(prep: Preprocessing, batchSize: number, what: string): void {
  const bytes = batchSize * prep.size[0] * prep.size[1] * prep.channels * 4;
  if (bytes > LIMITS.maxBatchInputBytes) {
    const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
    throw new EngineError(
      `A batch of ${batchSize} images at ${prep.size[0]}×${prep.size[1]}×${prep.channels} for ${what} needs ${mib(bytes)}, over the ${mib(LIMITS.maxBatchInputBytes)} limit per batch (maxBatchInputBytes); use a smaller batch size or input size.`,
    );
  }
}
