// The value checks of a recipe, derived from the field table (recipeFields.ts), plus the few rules that
// span fields. One function for every reader: the recipe parser (so the editor's diagnostics and the
// CLI's file:line:column messages), the CLI's options, and the engine, which checks whatever recipe
// arrives over the protocol before it reads a single image.
import { AUTO } from './autoFlow';
import type { TrainRecipe } from './engineTypes';
import { closestName } from './nameDistance';
import { defaultRecipe } from './recipeDefaults';
import { describeRange, inRange, RECIPE_FIELDS, type FieldSpec } from './recipeFields';

/**
 * A value the table or a rule refuses: where it is, why, and maybe the value that fixes it. `kind`: an
 * unknown field, a value of the wrong type (unusable: readers leave it out), or a value out of its range
 * or against a rule (readers may still show it).
 */
export interface RecipeValueProblem {
  kind: 'unknown' | 'type' | 'value';
  /** Keys and list indexes down to the value, e.g. ['head', 'dropout']. */
  path: (string | number)[];
  /** One line naming the field and the value, without a final full stop. */
  message: string;
  /** A replacement for a misspelt word or key. */
  suggestion?: string;
}

/** The source CNN (src/trainer/models/sourceCnn.ts) has at least this many conv blocks, each halving. */
export const SOURCE_CNN_MIN_BLOCKS = 2;
/** So its input must be at least this many pixels on each side. */
export const SOURCE_CNN_MIN_SIDE = 2 ** SOURCE_CNN_MIN_BLOCKS;
/** What a recipe that leaves out validationSplit gets, for the rule across the splits. */
const DEFAULT_VALIDATION_SPLIT = defaultRecipe('').validationSplit;

type Problems = RecipeValueProblem[];
type Path = RecipeValueProblem['path'];

/** Every problem of a recipe's values, complete or partial (absent fields are not problems), empty when valid. */
export function recipeProblems(r: Partial<TrainRecipe>): RecipeValueProblem[] {
  const problems: Problems = [];
  checkFields(r as Record<string, unknown>, RECIPE_FIELDS, [], problems);
  splitRule(r, problems);
  sourceSizeRule(r, problems);
  return problems;
}

/** freeze.frozen[2], as a user would point at it. */
export function pathLabel(path: Path): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('');
}

function checkFields(value: Record<string, unknown>, fields: Record<string, FieldSpec>, path: Path, out: Problems) {
  for (const [key, v] of Object.entries(value)) {
    const spec = fields[key];
    if (spec) checkValue(v, spec, [...path, key], out);
    else {
      const suggestion = closestName(key, Object.keys(fields));
      const where = path.length ? ` in "${pathLabel(path)}"` : '';
      out.push({ kind: 'unknown', path: [...path, key], message: `Unknown field "${key}"${where}`, suggestion });
    }
  }
}

function checkValue(v: unknown, spec: FieldSpec, path: Path, out: Problems): void {
  if (v === undefined) return;
  const label = `"${pathLabel(path)}"`;
  const mistyped = (what: string) =>
    void out.push({ kind: 'type', path, message: `${label} must be ${what}, not ${shown(v)}` });
  const refuse = (message: string, suggestion?: string) => void out.push({ kind: 'value', path, message, suggestion });
  if (v === null) return void out.push({ kind: 'type', path, message: `${label} has no value` });
  const words = spec.kind === 'number' || spec.kind === 'object' ? (spec.words ?? []) : [];
  if (typeof v === 'string' && words.includes(v)) return;
  const orWords = words.map((w) => ` or ${w}`).join('');
  switch (spec.kind) {
    case 'string':
      if (typeof v !== 'string') return mistyped('text');
      if (spec.enum && !spec.enum.includes(v))
        refuse(`${label} must be one of ${spec.enum.join(', ')} (got "${v}")`, closestName(v, spec.enum));
      return;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return mistyped(`a number${orWords}`);
      if (!inRange(v, spec)) refuse(`${label} must be ${describeRange(spec)} (got ${v})`);
      return;
    case 'boolean':
      if (typeof v !== 'boolean') mistyped('true or false');
      return;
    case 'list':
      if (!Array.isArray(v)) return mistyped('a list');
      if ((spec.minItems ?? 0) > v.length || (spec.maxItems ?? Infinity) < v.length)
        refuse(
          spec.minItems === spec.maxItems
            ? `${label} must hold ${spec.minItems} items (got ${v.length})`
            : `${label} has ${v.length} items, outside ${spec.minItems ?? 0}–${spec.maxItems ?? '∞'}`,
        );
      v.forEach((item, i) => checkValue(item, spec.items, [...path, i], out));
      return;
    case 'object':
      if (typeof v !== 'object' || Array.isArray(v)) return mistyped(`a mapping of fields${orWords}`);
      checkFields(v as Record<string, unknown>, spec.fields, path, out);
      for (const key of spec.required ?? [])
        if ((v as Record<string, unknown>)[key] === undefined)
          refuse(`"${pathLabel([...path, key])}" is required here`);
  }
}

/** The test and validation fractions together must leave images to train on. */
function splitRule(r: Partial<TrainRecipe>, out: Problems): void {
  const validation = typeof r.validationSplit === 'number' ? r.validationSplit : DEFAULT_VALIDATION_SPLIT;
  if (r.testSplit === undefined || r.testSplit === AUTO || typeof r.testSplit !== 'number' || r.testSplit < 0) return;
  if (r.testSplit + validation >= 1)
    out.push({
      kind: 'value',
      path: ['testSplit'],
      message: `testSplit plus validationSplit must stay below 1 to leave images for training (got ${r.testSplit} + ${validation})`,
    });
}

/** A smaller input would pool down to nothing, and the engine would fail deep inside the first step. */
function sourceSizeRule(r: Partial<TrainRecipe>, out: Problems): void {
  const size = r.inputSize;
  if (r.mode !== 'source' || !Array.isArray(size) || !size.every((s) => typeof s === 'number')) return;
  if (Math.min(...size) < SOURCE_CNN_MIN_SIDE)
    out.push({
      kind: 'value',
      path: ['inputSize'],
      message: `"inputSize" must be at least ${SOURCE_CNN_MIN_SIDE}×${SOURCE_CNN_MIN_SIDE} in mode source: the CNN trained from scratch halves the image at least ${SOURCE_CNN_MIN_BLOCKS} times (got ${size.join('×')})`,
    });
}

/** A value as a message shows it: "text "abc"", "the number 3", "a list". */
function shown(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `text "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (typeof v === 'number') return `the number ${v}`;
  return String(v);
}
