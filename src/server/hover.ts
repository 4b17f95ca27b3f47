// Hover in recipe files: on a layer name, what the layer is and what this recipe does to it; on the data
// folder, its classes and image (or text) counts, on a table of texts its columns; on the base, its size and
// input; on a field name, what it means.
import { MarkupKind, type Hover } from 'vscode-languageserver';
import type { Position, TextDocument } from 'vscode-languageserver-textdocument';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { fieldAt, describeRange } from '../shared/recipeFields';
import type { FieldPath } from '../recipe/recipeSyntax';
import type { BaseDescription, LayerInfo } from '../shared/engineTypes';
import { parseFrozenEntry } from '../shared/freezePlan';
import { plural } from '../shared/plural';
import type { TextRecipe } from '../shared/text/textRecipe';
import { layerPlan, layerState, type RecipeAnalysis } from './recipeAnalysis';

export function recipeHover(doc: TextDocument, position: Position, a: RecipeAnalysis): Hover | null {
  const offset = doc.offsetAt(position);
  const found = a.parsed.doc ? nodeAt(a.parsed.doc.contents, offset, []) : undefined;
  if (!found) return null;
  const range = { start: doc.positionAt(found.node.range![0]), end: doc.positionAt(found.node.range![1]) };
  const markdown = found.isKey ? fieldHover(found.path) : valueHover(found.path, found.node, a);
  return markdown ? { contents: { kind: MarkupKind.Markdown, value: markdown }, range } : null;
}

function fieldHover(path: FieldPath): string | undefined {
  const spec = fieldAt(path);
  if (!spec) return undefined;
  const words = spec.kind === 'number' && spec.words ? `, or ${spec.words.join(' or ')}` : '';
  const range = spec.kind === 'number' && !spec.enum ? `\n\n${describeRange(spec)}${words}` : '';
  return `**${path.join('.')}**: ${spec.doc}${range}`;
}

function valueHover(path: FieldPath, node: Node, a: RecipeAnalysis): string | undefined {
  const value = isScalar(node) ? node.value : undefined;
  if (typeof value !== 'string') return undefined;
  const spec = fieldAt(path);
  if (spec?.kind !== 'string') return undefined;
  if (spec.role === 'path' && path[0] === 'data') return dataHover(a);
  if (spec.role === 'base') return a.base?.kind === 'ok' ? baseHover(a.base.base) : undefined;
  if ((spec.role === 'layer' || spec.role === 'frozenEntry') && a.base?.kind === 'ok') {
    const base = a.base.base;
    const plan = layerPlan(base.layers, a.parsed.value.freeze, base.defaultFeatureLayer);
    const entry = spec.role === 'frozenEntry' ? parseFrozenEntry(value) : { kind: 'name' as const, layer: value };
    if (entry.kind === 'glob') {
      const matches = base.layers.filter((l) => entry.pattern.test(l.name));
      const kept = matches.filter((l) => l.index <= plan.cut);
      return `\`${value}\` matches ${plural(matches.length, 'layer')} of ${base.title}, ${kept.length} within the cut: ${kept
        .slice(0, 12)
        .map((l) => `\`${l.name}\``)
        .join(', ')}${kept.length > 12 ? ', …' : ''}`;
    }
    const layer = base.layers.find((l) => l.name === entry.layer);
    if (!layer) return undefined;
    const upTo = base.layers.slice(0, layer.index + 1);
    const extra =
      entry.kind === 'upTo'
        ? `\n\nFreezes the ${upTo.length} layers from \`${base.layers[0].name}\` to \`${layer.name}\` (${upTo.filter((l) => l.hasWeights).length} with weights).`
        : '';
    return layerHover(layer, layerState(plan, layer)) + extra;
  }
  return undefined;
}

export function layerHover(l: LayerInfo, state: string): string {
  return [
    `**${l.name}** (${l.className}, layer ${l.index})`,
    '',
    `| | |`,
    `|---|---|`,
    `| output shape | \`${JSON.stringify(l.outputShape)}\` |`,
    `| parameters | ${l.trainableParams.toLocaleString('en-US')} trainable, ${l.nonTrainableParams.toLocaleString('en-US')} fixed${l.isBatchNorm ? ' (BatchNorm statistics)' : ''} |`,
    `| in this recipe | ${state} |`,
  ].join('\n');
}

function baseHover(b: BaseDescription): string {
  const p = b.preprocessing;
  return `**${b.title}**\n\n${b.layers.length} layers, ${b.totalParams.toLocaleString('en-US')} parameters; input ${p.size[0]}×${p.size[1]}×${p.channels}; feature layer \`${b.defaultFeatureLayer}\`.${b.credit ? `\n\n${b.credit}` : ''}`;
}

function dataHover(a: RecipeAnalysis): string | undefined {
  const d = a.data;
  if (!d) return undefined;
  if (d.kind === 'missing' || d.kind === 'notFolder')
    return `\`${d.folder}\`: ${d.kind === 'missing' ? 'not found' : 'not a folder or a table of texts'}`;
  if (d.kind === 'table') return tableHover(d.folder, d.columns, a.parsed.value.text);
  const total = d.classes.reduce((n, c) => n + c.examples, 0);
  const rows = d.classes.map((c) => `| ${c.name} | ${c.examples} |`);
  return [
    `**${d.classes.length} classes, ${total} ${d.unit}s** in \`${d.folder}\``,
    '',
    `| class | ${d.unit}s |`,
    '|---|---:|',
    ...rows,
  ].join('\n');
}

/** A table's columns, marking the ones the recipe (or the engine's usual names) take the text and label from. */
function tableHover(file: string, columns: readonly string[], text: TextRecipe | undefined): string {
  const named = (c: string, wanted: string | undefined) => wanted?.toLowerCase() === c.toLowerCase();
  const role = (c: string) => (named(c, text?.column) ? 'text' : named(c, text?.labelColumn) ? 'label' : '');
  return [
    `**Table of texts** \`${file}\`: ${columns.length} columns`,
    '',
    '| column | in this recipe |',
    '|---|---|',
    ...columns.map((c) => `| ${c} | ${role(c)} |`),
  ].join('\n');
}

/** The deepest key or scalar value under an offset, with the path of keys that leads to it. */
function nodeAt(
  node: unknown,
  offset: number,
  path: FieldPath,
): { node: Node; path: FieldPath; isKey: boolean } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (contains(pair.key, offset)) return { node: pair.key, path: [...path, key], isKey: true };
      const inner = nodeAt(pair.value, offset, [...path, key]);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      const inner = nodeAt(item, offset, [...path, i]);
      if (inner) return inner;
    }
  } else if (isScalar(node) && contains(node, offset)) {
    return { node, path, isKey: false };
  }
  return undefined;
}

function contains(node: Node, offset: number): boolean {
  return !!node.range && node.range[0] <= offset && offset <= node.range[1];
}
