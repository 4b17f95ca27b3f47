// Writes the panel's and the Layers view's changes into the text of a recipe. The user's comments, blank
// lines, quoting and layout stay as they were: a value that exists is replaced in place, character for
// character, and only new or removed sections go through the yaml Document (which keeps comments). The host
// applies the result as one undoable WorkspaceEdit.
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  Scalar,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { LayerInfo, SecondPhase } from '../shared/engineTypes';
import { expandFrozenEntry } from '../shared/freezePlan';
import { DEFAULT_AUGMENTATION } from '../shared/recipeDefaults';
import type { FieldPath } from './recipeSyntax';

/** The choices the panel and the Layers view edit; absent fields are left alone. */
export interface RecipeEdit {
  featureLayer?: string;
  /** The exact frozen set; replaces freeze.frozen and drops freeze.freezeUpTo (the list says it all). */
  frozen?: string[];
  epochs?: number | 'auto';
  learningRate?: number;
  batchSize?: number;
  validationSplit?: number;
  timeBudget?: number;
  /** On: the default augmentation (an existing section is kept as it is); off: the section goes. */
  augmentation?: boolean;
  /** On needs the layer to unfreeze from (an existing section is updated); false removes the section. */
  secondPhase?: SecondPhase | false | 'auto';
  compareScratch?: boolean;
  /** The table's text and label columns (the column pick of Fine-tune on This File). */
  textColumn?: string;
  labelColumn?: string;
}

/** The base's layers, when the caller knows them: frozen sets are then written compactly and compared by meaning. */
export interface EditContext {
  layers: readonly LayerInfo[];
  defaultFeatureLayer: string;
}

/**
 * The recipe text with the edit applied; unchanged text when the edit changes nothing. With `context`, a
 * frozen set that the recipe's entries (globs, "up to") already mean is left as the user wrote it, and a
 * new one starting at the first layer is written as "up to <layer>" plus the rest.
 */
export function recipeEdits(text: string, edit: RecipeEdit, context?: EditContext): string {
  let out = text;
  const scalars: [FieldPath, string | number | boolean | undefined][] = [
    [['freeze', 'featureLayer'], edit.featureLayer],
    [['epochs'], edit.epochs],
    [['learningRate'], edit.learningRate],
    [['batchSize'], edit.batchSize],
    [['validationSplit'], edit.validationSplit],
    [['timeBudget'], edit.timeBudget],
    [['compareScratch'], edit.compareScratch],
    [['text', 'column'], edit.textColumn],
    [['text', 'labelColumn'], edit.labelColumn],
  ];
  for (const [path, value] of scalars) if (value !== undefined) out = setScalar(out, path, value);
  if (edit.frozen && !(context && meansSameSet(parse(out), edit.frozen, context))) {
    const old = parse(out).getIn(['freeze', 'frozen'], true);
    const entries = context ? compactFrozen(context.layers, edit.frozen) : edit.frozen;
    if (!(isSeq(old) && sameItems(old, entries))) {
      // A list the user wrote inline stays inline.
      out = putPair(out, ['freeze', 'frozen'], entries, isSeq(old) && Boolean(old.flow));
      out = removePair(out, ['freeze', 'freezeUpTo']);
    }
  }
  const has = (key: string) => parse(out).hasIn([key]);
  if (edit.augmentation === false) out = removePair(out, ['augmentation']);
  if (edit.augmentation === true && !has('augmentation')) out = putPair(out, ['augmentation'], DEFAULT_AUGMENTATION);
  if (edit.secondPhase === false) out = removePair(out, ['secondPhase']);
  if (edit.secondPhase === 'auto') out = setScalar(out, ['secondPhase'], edit.secondPhase);
  else if (edit.secondPhase) {
    const phase = edit.secondPhase;
    if (isMap(parse(out).getIn(['secondPhase'], true))) {
      out = setScalar(out, ['secondPhase', 'unfreezeFrom'], phase.unfreezeFrom);
      out = setScalar(out, ['secondPhase', 'epochs'], phase.epochs);
      out = setScalar(out, ['secondPhase', 'learningRate'], phase.learningRate);
    } else {
      out = putPair(out, ['secondPhase'], { ...phase });
    }
  }
  return out;
}

/**
 * Whether the recipe's frozen entries freeze the same layers with weights as `frozen` (weightless layers have nothing
 * to freeze).
 */
function meansSameSet(
  doc: Document.Parsed,
  frozen: readonly string[],
  { layers, defaultFeatureLayer }: EditContext,
): boolean {
  const freeze = doc.getIn(['freeze']);
  const section = (isMap(freeze) ? freeze.toJSON() : {}) as {
    featureLayer?: unknown;
    freezeUpTo?: unknown;
    frozen?: unknown;
  };
  if (section.frozen === undefined && section.freezeUpTo === undefined) return false;
  const names = layers.map((l) => l.name);
  const cut = names.indexOf(typeof section.featureLayer === 'string' ? section.featureLayer : defaultFeatureLayer);
  const entries = [
    ...(typeof section.freezeUpTo === 'string' ? [`up to ${section.freezeUpTo}`] : []),
    ...(Array.isArray(section.frozen) ? section.frozen : []),
  ];
  const now = new Set<string>();
  for (const entry of entries) {
    if (typeof entry !== 'string') return false;
    const { layers: matched, problem } = expandFrozenEntry(names, cut < 0 ? names.length - 1 : cut, entry);
    if (problem) return false;
    matched.forEach((n) => now.add(n));
  }
  const weighted = (set: Iterable<string>) =>
    new Set(layers.filter((l) => l.hasWeights && new Set(set).has(l.name)).map((l) => l.name));
  const [a, b] = [weighted(now), weighted(frozen)];
  return a.size === b.size && [...a].every((n) => b.has(n));
}

/**
 * "up to X" for the run of frozen layers with weights from the first one, then the other names; short sets stay
 * explicit.
 */
export function compactFrozen(layers: readonly LayerInfo[], frozen: readonly string[]): string[] {
  const set = new Set(frozen);
  const weighted = layers.filter((l) => l.hasWeights);
  let k = 0;
  while (k < weighted.length && set.has(weighted[k].name)) k++;
  if (k < 3) return [...frozen];
  const prefix = new Set(weighted.slice(0, k).map((l) => l.name));
  return [`up to ${weighted[k - 1].name}`, ...frozen.filter((n) => !prefix.has(n))];
}

function parse(text: string): Document.Parsed {
  const doc = parseDocument(text);
  if (doc.errors.length)
    throw new Error(
      `The recipe has YAML errors (${doc.errors[0].message.split('\n')[0]}); fix them before editing it from the panel.`,
    );
  return doc;
}

/** Replaces an existing scalar in place, character for character around it; adds the field when missing. */
function setScalar(text: string, path: FieldPath, value: string | number | boolean): string {
  const node = parse(text).getIn(path, true);
  if (isScalar(node) && node.value === value) return text;
  if (isScalar(node) && node.range && node.range[1] > node.range[0]) {
    return text.slice(0, node.range[0]) + formatScalar(value, node.type) + text.slice(node.range[1]);
  }
  return putPair(text, path, value);
}

/** Removes a field and its value (whole lines); comments above it stay, they are the user's. */
function removePair(text: string, path: FieldPath): string {
  const doc = parse(text);
  const parent = doc.getIn(path.slice(0, -1), true) ?? (path.length === 1 ? doc.contents : undefined);
  if (!isMap(parent)) return text;
  const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]);
  if (!pair) return text;
  if (parent.flow) return viaDocument(doc, text, (d) => d.deleteIn(path));
  return text.slice(0, lineStart(text, (pair.key as Scalar).range![0])) + text.slice(pairEnd(text, pair));
}

/**
 * Sets a field to a value written in block style at the indentation of its siblings: in place of the old
 * field when there is one, else after the last field of its section (created if missing).
 */
function putPair(text: string, path: FieldPath, value: unknown, flow = false): string {
  const doc = parse(text);
  const key = String(path[path.length - 1]);
  const parentPath = path.slice(0, -1);
  const parent = parentPath.length ? doc.getIn(parentPath, true) : doc.contents;
  const empty = parent === null || (isScalar(parent) && parent.value === null);
  if (!isMap(parent) && !(empty && parentPath.length === 0)) {
    if (parentPath.length && !doc.hasIn(parentPath)) return putPair(text, parentPath, { [key]: value });
    if (!empty)
      throw new Error(
        `"${parentPath.join('.')}" is not a section of "name: value" lines; fix it before editing the recipe from the panel.`,
      );
    return viaDocument(doc, text, (d) => d.setIn(path, value));
  }
  if (isMap(parent) && parent.flow) return viaDocument(doc, text, (d) => d.setIn(path, value));
  const pairs = isMap(parent) ? parent.items : [];
  const indent = pairs.length && isScalar(pairs[0].key) ? column(text, pairs[0].key.range![0]) : 0;
  const one = new Document({ [key]: value });
  const node = (one.contents as YAMLMap).items[0].value;
  if (flow && isSeq(node)) node.flow = true;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const block = one
    .toString({ indentSeq: sequenceIndented(text), lineWidth: 0 })
    .replace(/^(?=.)/gm, ' '.repeat(indent))
    .replace(/\n/g, eol);
  const old = pairs.find((p) => isScalar(p.key) && p.key.value === key);
  if (old)
    return text.slice(0, lineStart(text, (old.key as Scalar).range![0])) + block + text.slice(pairEnd(text, old));
  const at = pairs.length ? pairEnd(text, pairs[pairs.length - 1]) : text.length;
  const sep = at > 0 && text[at - 1] !== '\n' ? eol : '';
  return text.slice(0, at) + sep + block + text.slice(at);
}

/** The fallback for inline sections ({ a: 1 }): the yaml Document rewrites the file, comments kept. */
function viaDocument(doc: Document.Parsed, text: string, change: (doc: Document.Parsed) => unknown): string {
  change(doc);
  return doc.toString({ indentSeq: sequenceIndented(text), lineWidth: 0 });
}

/** Where a pair's text ends: after its value and the rest of that line. */
function pairEnd(text: string, pair: Pair): number {
  const node = (pair.value ?? pair.key) as Node | null;
  let end = node?.range ? node.range[2] : text.length;
  if (end > 0 && text[end - 1] !== '\n') {
    const nl = text.indexOf('\n', end);
    end = nl < 0 ? text.length : nl + 1;
  }
  return end;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

function sameItems(seq: YAMLSeq, names: readonly string[]): boolean {
  return seq.items.length === names.length && seq.items.every((item, i) => isScalar(item) && item.value === names[i]);
}

/** Whether the user indents block lists under their key ("key:\n  - a") or not ("key:\n- a"). */
function sequenceIndented(text: string): boolean {
  const m = /^( *)[^\s#-][^\n]*:[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*( *)- /m.exec(text);
  return m ? m[2].length > m[1].length : true;
}

function formatScalar(value: string | number | boolean, type: Scalar['type']): string {
  if (typeof value !== 'string') return String(value);
  if (type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  if (
    type === Scalar.QUOTE_DOUBLE ||
    !/^[A-Za-z_][\w.\-/ ]*$/.test(value) ||
    /^(true|false|null|yes|no|on|off|~)$/i.test(value)
  )
    return JSON.stringify(value);
  return value;
}
