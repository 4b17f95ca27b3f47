// Parses recipe text into the fields it sets, with every problem tied to an exact span of the text: the
// language server turns the spans into diagnostics, the CLI into file:line:column messages. Bounded on
// purpose: a recipe is a page of settings, so oversized files and alias bombs are refused, not parsed.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { TrainRecipe } from '../shared/engineTypes';
import { closestName } from '../shared/nameDistance';
import { describeRange, inRange, RECIPE_FIELDS, type FieldSpec } from '../shared/recipeFields';

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
  try {
    // Expanding aliases is where a "billion laughs" file explodes; the yaml package counts and stops it.
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
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
  const walker = new Walker(doc, problems);
  const value = isMap(contents)
    ? walker.fields(contents, { kind: 'object', doc: '', fields: RECIPE_FIELDS }, [], [0, 0])
    : undefined;
  if (!value) {
    const [start, end] = spanOf(contents, [0, text.length]);
    problems.push({
      message: 'A recipe is a mapping of fields (name: value), e.g. "epochs: 10".',
      start,
      end,
      severity: 'error',
    });
  }
  const recipe = (value ?? {}) as Partial<TrainRecipe>;
  crossFieldProblems(doc, recipe, problems);
  return { text, doc, lineCounter, value: recipe, problems };
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
  const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]);
  const range = isScalar(pair?.key) ? pair.key.range : undefined;
  return range ? [range[0], range[1]] : undefined;
}

/** "line:column" (1-based) of an offset, for messages printed by the CLI. */
export function lineColumn(parsed: ParsedRecipe, offset: number): string {
  const { line, col } = parsed.lineCounter.linePos(offset);
  return `${line}:${col}`;
}

class Walker {
  constructor(
    private readonly doc: Document.Parsed,
    private readonly problems: RecipeProblem[],
  ) {}

  /** The checked value of a node, or undefined when its type is wrong (reported). */
  value(node: unknown, spec: FieldSpec, path: FieldPath, fallback: [number, number]): unknown {
    const span = spanOf(node, fallback);
    const target = isAlias(node) ? node.resolve(this.doc) : node;
    const report = (message: string, suggestion?: string) =>
      this.problems.push({ message, start: span[0], end: span[1], severity: 'error', path, suggestion });
    const label = `"${pathLabel(path)}"`;
    const scalar = isScalar(target) ? target.value : undefined;
    if (scalar === null || (isScalar(target) && scalar === undefined)) {
      report(`${label} has no value.`);
      return undefined;
    }
    // A word such as "auto" stands in for the whole value ("off" is the absence of an optional section).
    if (
      (spec.kind === 'number' || spec.kind === 'object') &&
      typeof scalar === 'string' &&
      spec.words?.includes(scalar)
    )
      return scalar;
    switch (spec.kind) {
      case 'string':
        if (typeof scalar !== 'string') return (report(`${label} must be text, not ${kindOf(target)}.`), undefined);
        if (spec.enum && !spec.enum.includes(scalar)) {
          const guess = closestName(scalar, spec.enum);
          report(
            `${label} must be one of ${spec.enum.join(', ')} (got "${scalar}")${guess ? `; did you mean "${guess}"?` : '.'}`,
            guess,
          );
        }
        return scalar;
      case 'number':
        if (typeof scalar !== 'number' || !Number.isFinite(scalar))
          return (
            report(
              `${label} must be a number${spec.words ? ` or ${spec.words.join(' or ')}` : ''}, not ${kindOf(target)}.`,
            ),
            undefined
          );
        if (!inRange(scalar, spec)) report(`${label} must be ${describeRange(spec)} (got ${scalar}).`);
        return scalar;
      case 'boolean':
        if (typeof scalar !== 'boolean')
          return (report(`${label} must be true or false, not ${kindOf(target)}.`), undefined);
        return scalar;
      case 'list': {
        if (!isSeq(target)) return (report(`${label} must be a list, not ${kindOf(target)}.`), undefined);
        if (
          (spec.minItems !== undefined && target.items.length < spec.minItems) ||
          (spec.maxItems !== undefined && target.items.length > spec.maxItems)
        ) {
          report(
            spec.minItems === spec.maxItems
              ? `${label} must hold ${spec.minItems} items (got ${target.items.length}).`
              : `${label} has ${target.items.length} items, outside ${spec.minItems ?? 0}–${spec.maxItems ?? '∞'}.`,
          );
        }
        const items = target.items.map((item, i) => this.value(item, spec.items, [...path, i], span));
        return items.every((v) => v !== undefined) ? items : undefined;
      }
      case 'object':
        if (!isMap(target))
          return (
            report(
              `${label} must be a mapping of fields${spec.words ? ` or ${spec.words.join(' or ')}` : ''}, not ${kindOf(target)}.`,
            ),
            undefined
          );
        return this.fields(target, spec, path, span);
    }
  }

  fields(
    map: Node,
    spec: Extract<FieldSpec, { kind: 'object' }>,
    path: FieldPath,
    span: [number, number],
  ): Record<string, unknown> | undefined {
    if (!isMap(map)) return undefined;
    const out: Record<string, unknown> = {};
    for (const pair of map.items) {
      const keySpan = spanOf(pair.key, span);
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof key !== 'string') {
        this.problems.push({
          message: 'Field names are plain words such as "epochs".',
          start: keySpan[0],
          end: keySpan[1],
          severity: 'error',
          path,
        });
        continue;
      }
      const field = spec.fields[key];
      if (!field) {
        const guess = closestName(key, Object.keys(spec.fields));
        const where = path.length ? ` in "${pathLabel(path)}"` : '';
        this.problems.push({
          message: `Unknown field "${key}"${where}${guess ? `; did you mean "${guess}"?` : '.'}`,
          start: keySpan[0],
          end: keySpan[1],
          severity: 'error',
          path: [...path, key],
          suggestion: guess,
        });
        continue;
      }
      const v = this.value(pair.value, field, [...path, key], keySpan);
      if (v !== undefined) out[key] = v;
    }
    for (const key of spec.required ?? []) {
      if (!map.items.some((p) => isScalar(p.key) && p.key.value === key)) {
        this.problems.push({
          message: `"${pathLabel([...path, key])}" is required here.`,
          start: span[0],
          end: span[1],
          severity: 'error',
          path,
        });
      }
    }
    return out;
  }
}

function crossFieldProblems(doc: Document.Parsed, r: Partial<TrainRecipe>, problems: RecipeProblem[]): void {
  if (typeof r.testSplit === 'number' && r.testSplit >= 0 && r.testSplit + (r.validationSplit ?? 0.2) >= 1) {
    const [start, end] = spanOf(doc.getIn(['testSplit'], true), [0, 0]);
    problems.push({
      message: `testSplit plus validationSplit must stay below 1 to leave images for training (got ${r.testSplit} + ${r.validationSplit ?? 0.2}).`,
      start,
      end,
      severity: 'error',
      path: ['testSplit'],
    });
  }
}

function kindOf(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v === 'string') return `text "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return String(v);
  return 'empty';
}

function spanOf(node: unknown, fallback: [number, number]): [number, number] {
  const range = (node as Node | null | undefined)?.range;
  return range && range[1] > range[0] ? [range[0], range[1]] : fallback;
}

/** freeze.frozen[2], as a user would point at it. */
export function pathLabel(path: FieldPath): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('');
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
