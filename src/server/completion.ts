// Completion in recipe files: field names where a key goes, and where a value goes the values that field
// takes (enum values, true/false, built-in bases, the layer names of the recipe's base in model order, the
// columns of a table of texts).
// The context comes from the lines around the cursor, not the YAML tree, because while the user types the
// line under the cursor is rarely valid YAML yet.
import fs from 'node:fs';
import path from 'node:path';
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver';
import type { TextDocument, Position } from 'vscode-languageserver-textdocument';
import { isMap, isScalar } from 'yaml';
import { fieldAt, type FieldSpec } from '../shared/recipeFields';
import { BUILTIN_BASES } from '../shared/builtinBases';
import { extensionOf, TEXT_TABLE_EXTENSIONS } from '../shared/text/textFiles';
import type { RecipeAnalysis } from './recipeAnalysis';

type Context = { kind: 'key'; parent: string[] } | { kind: 'value'; path: string[]; listItem: boolean; prefix: string };

export function recipeCompletions(doc: TextDocument, position: Position, a: RecipeAnalysis): CompletionItem[] {
  const lines = doc.getText().split(/\r?\n/);
  const context = contextAt(lines, position);
  if (!context) return [];
  if (context.kind === 'key') {
    const spec = fieldAt(context.parent);
    if (spec?.kind !== 'object') return [];
    // From the tree, not the checked values: a key typed without its value yet is still present.
    const section = context.parent.length ? a.parsed.doc?.getIn(context.parent, true) : a.parsed.doc?.contents;
    const present = new Set(
      isMap(section) ? section.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')) : [],
    );
    return Object.entries(spec.fields)
      .filter(([k]) => !present.has(k))
      .map(([key, field], i) => ({
        label: key,
        kind: CompletionItemKind.Property,
        detail: kindLabel(field),
        documentation: field.doc,
        insertText:
          field.kind === 'object' || (field.kind === 'list' && field.items.kind === 'string')
            ? `${key}:\n${' '.repeat(position.character - keyPrefixLength(lines[position.line], position) + 2)}`
            : `${key}: `,
        sortText: String(i).padStart(3, '0'),
      }));
  }
  const spec = fieldAt(context.path);
  const item = spec?.kind === 'list' ? spec.items : spec;
  if (!item) return [];
  // Each item replaces what was typed of the value, spaces included ("up to blo" → "up to block_5_add").
  const range = {
    start: { line: position.line, character: position.character - context.prefix.length },
    end: position,
  };
  return valueItems(item, context.path, a, context.prefix).map((i) => ({
    ...i,
    textEdit: { range, newText: i.insertText ?? i.label },
    insertText: undefined,
  }));
}

function valueItems(spec: FieldSpec, fieldPath: string[], a: RecipeAnalysis, prefix: string): CompletionItem[] {
  if (spec.kind === 'boolean') return ['true', 'false'].map((v) => ({ label: v, kind: CompletionItemKind.Value }));
  if (spec.kind === 'number' && spec.enum)
    return spec.enum.map((v) => ({ label: String(v), kind: CompletionItemKind.Value }));
  if (spec.kind !== 'string') return [];
  if (spec.enum)
    return spec.enum.map((v) => ({ label: v, kind: CompletionItemKind.EnumMember, documentation: spec.doc }));
  if (spec.role === 'path') return folderItems(a.recipeDir, prefix, fieldPath[0] === 'data');
  if (spec.role === 'column')
    return a.data?.kind === 'table'
      ? a.data.columns.map((c, i) => ({
          label: c,
          kind: CompletionItemKind.Field,
          sortText: String(i).padStart(3, '0'),
        }))
      : [];
  if (spec.role === 'base')
    return BUILTIN_BASES.map((id) => ({ label: id, kind: CompletionItemKind.Module, detail: 'built-in base' }));
  if ((spec.role === 'layer' || spec.role === 'frozenEntry') && a.base?.kind === 'ok') {
    const upTo = spec.role === 'frozenEntry' && /^up\s+to\s/i.test(prefix) ? prefix.match(/^up\s+to\s+/i)![0] : '';
    return a.base.base.layers.map((l) => ({
      label: l.name,
      kind: CompletionItemKind.Field,
      detail: `${l.className} ${JSON.stringify(l.outputShape)}${l.hasWeights ? '' : ' (no weights)'}`,
      // "up to block_5_add": the words typed stay, the layer name completes after them.
      filterText: upTo + l.name,
      insertText: upTo + l.name,
      sortText: String(l.index).padStart(4, '0'),
    }));
  }
  return [];
}

/**
 * Subfolders of the folder typed so far (relative to the recipe), e.g. "../generated/" →
 * "../generated/fashion-small"; for `data`, tables of texts (.csv/.tsv/.jsonl) too.
 */
function folderItems(recipeDir: string, prefix: string, tables: boolean): CompletionItem[] {
  const typedDir = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.resolve(recipeDir, typedDir || '.'), { withFileTypes: true });
  } catch {
    return [];
  }
  const visible = entries.filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules');
  return [
    ...visible
      .filter((e) => e.isDirectory())
      .map((e) => ({ label: typedDir + e.name, kind: CompletionItemKind.Folder })),
    ...(tables ? visible.filter((e) => e.isFile() && TEXT_TABLE_EXTENSIONS.includes(extensionOf(e.name))) : []).map(
      (e) => ({ label: typedDir + e.name, kind: CompletionItemKind.File, detail: 'table of texts' }),
    ),
  ];
}

/** Where the cursor is: at a key of some section, or at the value of a field (possibly a list item). */
function contextAt(lines: string[], position: Position): Context | undefined {
  const before = lines[position.line]?.slice(0, position.character) ?? '';
  if (/^\s*#/.test(before)) return undefined;
  const item = /^(\s*)-\s+(.*)$/.exec(before);
  if (item) {
    const owner = ownerKeys(lines, position.line, item[1].length + 1);
    return owner.length ? { kind: 'value', path: owner, listItem: true, prefix: item[2] } : undefined;
  }
  const keyValue = /^(\s*)([A-Za-z_]\w*):\s*(.*)$/.exec(before);
  if (keyValue) {
    const path = [...ownerKeys(lines, position.line, keyValue[1].length), keyValue[2]];
    const value = keyValue[3];
    const flow = value.startsWith('[');
    // In an inline list, complete the item after the last comma.
    const prefix = flow ? value.slice(Math.max(value.lastIndexOf(','), value.lastIndexOf('[')) + 1).trim() : value;
    return { kind: 'value', path, listItem: flow, prefix };
  }
  const key = /^(\s*)[A-Za-z_]*$/.exec(before);
  if (key) return { kind: 'key', parent: ownerKeys(lines, position.line, key[1].length) };
  return undefined;
}

/**
 * The keys of the sections enclosing a line indented by `indent`: the nearest "key:" lines above with less
 * indentation.
 */
function ownerKeys(lines: string[], line: number, indent: number): string[] {
  const owners: string[] = [];
  let limit = indent;
  for (let i = line - 1; i >= 0 && limit > 0; i--) {
    const m = /^(\s*)(?:-\s+)?([A-Za-z_]\w*):\s*(?:#.*)?$/.exec(lines[i]);
    const text = lines[i].trim();
    if (!text || text.startsWith('#')) continue;
    const lineIndent = lines[i].length - lines[i].trimStart().length;
    if (lineIndent >= limit) continue;
    if (!m) return owners; // a line with less indentation that opens no section: the context is unclear
    owners.unshift(m[2]);
    limit = lineIndent;
  }
  return owners;
}

function keyPrefixLength(line: string, position: Position): number {
  return (/[A-Za-z_]*$/.exec(line.slice(0, position.character)) ?? [''])[0].length;
}

function kindLabel(spec: FieldSpec): string {
  if (spec.kind === 'string' && spec.enum) return spec.enum.join(' | ');
  return spec.kind === 'object' ? 'section' : spec.kind;
}
