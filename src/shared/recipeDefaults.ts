// Defaults of every recipe field, shared by the CLI, the extension's settings and (later) recipe files,
// so "Enter, Enter" in the editor and a bare `transfer-studio train data/` mean the same run.
import { AUTO, DEFAULT_TIME_BUDGET_SECONDS, MAX_TIME_BUDGET_SECONDS } from './autoFlow';
import type { TrainRecipe } from './engineTypes';

export const DEFAULT_BASE = 'mobilenet_v2';

export function defaultRecipe(data: string): TrainRecipe {
  return {
    mode: 'transfer',
    data,
    base: DEFAULT_BASE,
    freeze: {},
    head: { pooling: 'avg', dense: 0, dropout: 0.2 },
    learningRate: 0.001,
    epochs: AUTO,
    batchSize: 32,
    validationSplit: 0.2,
    testSplit: AUTO,
    seed: 42,
    patience: 3,
    secondPhase: AUTO,
    timeBudget: DEFAULT_TIME_BUDGET_SECONDS,
    compareScratch: false,
    outputDir: '.transfer-studio/runs',
  };
}

/** Checks a recipe's numbers; returns the problems in words, empty when valid. */
export function recipeProblems(r: TrainRecipe): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => { if (!ok) problems.push(message); };
  check(r.mode === 'transfer' || r.mode === 'source', `mode must be "transfer" or "source", not "${r.mode}"`);
  check(r.epochs === AUTO || (Number.isInteger(r.epochs) && r.epochs >= 1 && r.epochs <= 10000), `epochs must be auto or a whole number from 1 to 10000 (got ${r.epochs})`);
  check(Number.isInteger(r.batchSize) && r.batchSize >= 1 && r.batchSize <= 4096, `batch size must be a whole number from 1 to 4096 (got ${r.batchSize})`);
  check(r.learningRate > 0 && r.learningRate < 10, `learning rate must be above 0 and below 10 (got ${r.learningRate})`);
  check(r.validationSplit > 0 && r.validationSplit < 1, `validation split must be between 0 and 1 (got ${r.validationSplit})`);
  check(r.testSplit === AUTO || (r.testSplit >= 0 && r.testSplit + r.validationSplit < 1), `test split must be auto or at least 0 and leave images for training (got ${r.testSplit})`);
  check(r.timeBudget === undefined || (Number.isInteger(r.timeBudget) && r.timeBudget >= 1 && r.timeBudget <= MAX_TIME_BUDGET_SECONDS), `time budget must be a whole number of seconds from 1 to ${MAX_TIME_BUDGET_SECONDS} (got ${r.timeBudget})`);
  check(Number.isInteger(r.patience) && r.patience >= 0, `patience must be a whole number ≥ 0 (got ${r.patience})`);
  check(r.optimizer === undefined || ['adam', 'sgd', 'rmsprop'].includes(r.optimizer), `optimizer must be adam, sgd or rmsprop (got ${r.optimizer})`);
  check(['avg', 'max', 'flatten'].includes(r.head.pooling), `head pooling must be avg, max or flatten (got ${r.head.pooling})`);
  check(r.head.dropout === undefined || (r.head.dropout >= 0 && r.head.dropout < 1), `dropout must be in [0, 1) (got ${r.head.dropout})`);
  if (r.secondPhase && r.secondPhase !== AUTO) {
    check(Number.isInteger(r.secondPhase.epochs) && r.secondPhase.epochs >= 1, `second phase epochs must be ≥ 1 (got ${r.secondPhase.epochs})`);
    check(r.secondPhase.learningRate > 0, `second phase learning rate must be above 0 (got ${r.secondPhase.learningRate})`);
  }
  return problems;
}

const FIELD_TYPES: Record<string, 'string' | 'number' | 'boolean' | 'object'> = {
  mode: 'string', data: 'string', base: 'string', name: 'string', outputDir: 'string', optimizer: 'string',
  learningRate: 'number', epochs: 'number', batchSize: 'number', validationSplit: 'number', testSplit: 'number',
  seed: 'number', patience: 'number', maxPerClass: 'number', timeBudget: 'number', compareScratch: 'boolean',
  freeze: 'object', head: 'object', augmentation: 'object', secondPhase: 'object', inputSize: 'object',
};

/** Type mistakes in a recipe read from a file (before its numbers are checked), in words. */
export function recipeTypeProblems(value: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const want = FIELD_TYPES[key];
    if (!want) {
      if (key !== 'inputChannels') problems.push(`unknown field "${key}"`);
      continue;
    }
    if (v === AUTO && (key === 'epochs' || key === 'testSplit' || key === 'secondPhase')) continue;
    if (v === 'off' && key === 'secondPhase') continue;
    const actual = v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v;
    const ok = want === 'object' ? (key === 'inputSize' ? actual === 'list' : actual === 'object') : actual === want;
    if (!ok) problems.push(`"${key}" must be ${want === 'object' ? (key === 'inputSize' ? 'a list' : 'a mapping') : `a ${want}`}, not ${actual}`);
  }
  return problems;
}
