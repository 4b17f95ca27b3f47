// The files of a run folder are read back (resume, predict, evaluate, reuse as a base) after anyone may have
// edited, cut or replaced them: each is checked field by field, and sizes are bounded before anything is
// allocated from them. Every problem is one line naming the file and the field. run.json and the checkpoint
// state are checked by the run folder's contract (src/shared/runFiles.ts); the recipe and batch sizes here.
import type { TrainRecipe } from '../../shared/engineTypes';
import type { KindInput } from '../../shared/inputSpec';
import type { DataKind } from '../data/kinds/dataKind';
import { LIMITS } from '../../shared/limits';
import { recipeProblems } from '../../shared/recipeChecks';
import { recipeTypeProblems } from '../../shared/recipeFields';
import { EngineError } from '../../shared/engineError';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(file: string, what: string): never {
  throw new EngineError(`${file} is damaged: ${what}.`);
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

/** Bytes of one batch of input, as the kind counts them; refused over the limit before any batch is decoded. */
export function checkBatchBytes<I extends KindInput>(
  kind: DataKind<I>,
  input: I,
  batchSize: number,
  what: string,
): void {
  const bytes = kind.batchBytes(input, batchSize);
  if (bytes > LIMITS.maxBatchInputBytes) {
    const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
    throw new EngineError(
      `A batch of ${batchSize} ${kind.noun} at ${kind.describe(input)} for ${what} needs ${mib(bytes)}, over the ${mib(LIMITS.maxBatchInputBytes)} limit per batch (maxBatchInputBytes); use a smaller batch size or input size.`,
    );
  }
}
