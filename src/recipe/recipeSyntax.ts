// Parses recipe text into the fields it sets, with every problem tied to an exact span of the text: the
// language server turns the spans into diagnostics, the CLI into file:line:column messages. The fields are
// checked by recipeProblems, as the engine checks them. Bounded on purpose: a recipe is a page of settings,
// so oversized files and alias bombs are refused, not parsed.
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { TrainRecipe } from '../shared/engineTypes';
import { recipeProblems } from '../shared/recipeChecks';

export const MAX_RECIPE_BYTES = 1024 * 1024;
export const MAX_ALIAS_COUNT = 100;

/** A key or list index leading to a node, e.g. ['freeze', 'frozen', 2]. */
export type FieldPath = (string | number)[];

export interface RecipeProblem {
  message: string;
  /** Offsets into the text (UTF-16 code units, as JavaScript strings count). */
  start: number;
  end: number;
  severity: 'error' | 'warning';
  path?: FieldPath;
  /** A replacement that fixes the problem (a misspelt key or value). */
  suggestion?: string;
}

export interface ParsedRecipe {
  text: string;
  doc?: Document.Parsed;
  lineCounter: LineCounter;
  /** The fields whose values have the right type (the others are left out and reported). */
  value: Partial<TrainRecipe>;
  problems: RecipeProblem[];
}

export function parseRecipe(text: string): ParsedRecipe {
  const lineCounter = new LineCounter();
  const problems: RecipeProblem[] = [];
  if (Buffer.byteLength(text, 'utf8') > MAX_RECIPE_BYTES) {
    problems.push({
      message: `The recipe is larger than ${MAX_RECIPE_BYTES / 1024 / 1024} MiB; a recipe is a short YAML or JSON file.`,
      start: 0,
      end: 0,
      severity: 'error',
    });
    return { text, lineCounter, value: {}, problems };
  }
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors)
    problems.push({ message: firstLine(e.message), start: e.pos[0], end: e.pos[1], severity: 'error' });
  for (const w of doc.warnings)
    problems.push({ message: firstLine(w.message), start: w.pos[0], end: w.pos[1], severity: 'warning' });
  let fields: unknown;
  try {
    // Expanding aliases is where a "billion laughs" file explodes; the yaml package counts and stops it.
    fields = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    problems.push({
      message: `The recipe cannot be read: ${firstLine((e as Error).message)}`,
      start: 0,
      end: Math.min(text.length, 1),
      severity: 'error',
    });
    return { text, doc, lineCounter, value: {}, problems };
  }
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null))
    return { text, doc, lineCounter, value: {}, problems };
  if (!isMap(contents)) {
    const [start, end] = spanOf(contents, [0, text.length]);
    problems.push({
      message: 'A recipe is a mapping of fields (name: value), e.g. "epochs: 10".',
      start,
      end,
      severity: 'error',
    });
    return { text, doc, lineCounter, value: {}, problems };
  }
  const value = fields as Record<string, unknown>;
  const parsed: ParsedRecipe = { text, doc, lineCounter, value: value as Partial<TrainRecipe>, problems };
  for (const p of recipeProblems(value)) {
    const [start, end] = (p.kind === 'unknown' ? keySpanAt(parsed, p.path) : spanAt(parsed, p.path)) ?? [0, 0];
    const hint = p.suggestion ? `; did you mean "${p.suggestion}"?` : '.';
    problems.push({ message: p.message + hint, start, end, severity: 'error', path: p.path, suggestion: p.suggestion });
    // Readers of `value` rely on its types: an unknown or mistyped field (a whole list, for an item) is left out.
    if (p.kind !== 'value') removeAt(value, p.path);
  }
  return parsed;
}

/** The span of the value at a path (the key's span when the value is empty), if the path exists. */
export function spanAt(parsed: ParsedRecipe, path: FieldPath): [number, number] | undefined {
  const node = parsed.doc?.getIn(path, true) as Node | undefined;
  if (node?.range && node.range[1] > node.range[0]) return [node.range[0], node.range[1]];
  return keySpanAt(parsed, path);
}

/** The span of the key that introduces a path's value. */
export function keySpanAt(parsed: ParsedRecipe, path: FieldPath): [number, number] | undefined {
  const parent = path.length > 1 ? parsed.doc?.getIn(path.slice(0, -1), true) : parsed.doc?.contents;
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(path[path.length - 1]));
  const range = isScalar(pair?.key) ? pair.key.range : undefined;
  return range ? [range[0], range[1]] : undefined;
}

/** "line:column" (1-based) of an offset, for messages printed by the CLI. */
export function lineColumn(parsed: ParsedRecipe, offset: number): string {
  const { line, col } = parsed.lineCounter.linePos(offset);
  return `${line}:${col}`;
}

/** Deletes the field at a path; a path into a list deletes the whole list. */
function removeAt(value: Record<string, unknown>, path: FieldPath): void {
  const firstIndex = path.findIndex((k) => typeof k === 'number');
  const keys = firstIndex < 0 ? path : path.slice(0, firstIndex);
  let at: unknown = value;
  for (const key of keys.slice(0, -1)) at = (at as Record<string, unknown> | undefined)?.[key];
  if (typeof at === 'object' && at !== null) delete (at as Record<string, unknown>)[keys[keys.length - 1] as string];
}

function spanOf(node: unknown, fallback: [number, number]): [number, number] {
  const range = (node as Node | null | undefined)?.range;
  return range && range[1] > range[0] ? [range[0], range[1]] : fallback;
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
