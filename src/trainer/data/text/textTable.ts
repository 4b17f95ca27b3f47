// A .csv, .tsv or .jsonl file of examples: one text column and one label column, found by name (flags or
// usual names) or by position. The CSV parser is csv-parse: quoted fields, embedded newlines and doubled
// quotes are where home-made splitters go wrong.
import { parse } from 'csv-parse/sync';
import { EngineError } from '../../../shared/engineError';
import { LIMITS } from '../../../shared/limits';
import type { SkippedText, TextExample } from '../../../shared/text/textExamples';
import {
  LABEL_COLUMN_NAMES as LABEL_NAMES,
  TEXT_COLUMN_NAMES as TEXT_NAMES,
} from '../../../shared/text/textColumnNames';
import { clipExample } from './textDecode';

/** Which columns hold the text and the label: a header name, or a 1-based position. */
export interface TextColumns {
  text?: string;
  label?: string;
}

/** The rows read, the skipped ones with a reason, and whether a row was cut at LIMITS.maxTextChars. */
export interface TableRead {
  examples: TextExample[];
  skipped: SkippedText[];
}

/** Reads the table at `file` (already decoded to `content`); `name` is how its rows are shown (data.csv:12). */
export function readTextTable(name: string, content: string, columns: TextColumns): TableRead {
  return name.toLowerCase().endsWith('.jsonl')
    ? readJsonl(name, content, columns)
    : readDelimited(name, content, columns);
}

function readDelimited(name: string, content: string, columns: TextColumns): TableRead {
  let rows: string[][];
  try {
    rows = parse(content, {
      delimiter: name.toLowerCase().endsWith('.tsv') ? '\t' : ',',
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      to: LIMITS.maxTextRows + 1,
    }) as string[][];
  } catch (e) {
    throw new EngineError(`${name}: not a readable table (${e instanceof Error ? e.message : String(e)}).`);
  }
  if (rows.length === 0) throw new EngineError(`${name}: no rows.`);
  const header = rows[0].map((c) => c.trim().toLowerCase());
  const hasHeader = isHeader(header, columns);
  const at = {
    text: columnIndex(name, header, hasHeader, columns.text, TEXT_NAMES, 0),
    label: columnIndex(name, header, hasHeader, columns.label, LABEL_NAMES, 1),
  };
  const body = hasHeader ? rows.slice(1) : rows;
  const firstLine = hasHeader ? 2 : 1;
  return collect(
    name,
    body.map((row, i) => ({ line: firstLine + i, text: row[at.text], label: row[at.label] })),
  );
}

/** A first row is a header when it names a wanted column (by flag or usual name). */
function isHeader(first: readonly string[], columns: TextColumns): boolean {
  const named = [columns.text, columns.label].filter((c): c is string => !!c && !/^\d+$/.test(c));
  if (named.length > 0) return named.some((c) => first.includes(c.toLowerCase()));
  return first.some((c) => TEXT_NAMES.includes(c)) && first.some((c) => LABEL_NAMES.includes(c));
}

function columnIndex(
  name: string,
  header: readonly string[],
  hasHeader: boolean,
  wanted: string | undefined,
  usual: readonly string[],
  fallback: number,
): number {
  if (wanted && /^\d+$/.test(wanted)) return Number(wanted) - 1;
  if (wanted) {
    const i = header.indexOf(wanted.toLowerCase());
    if (i < 0) throw new EngineError(`${name}: no column "${wanted}" in the header (${header.join(', ')}).`);
    return i;
  }
  if (!hasHeader) return fallback;
  const i = header.findIndex((h) => usual.includes(h));
  if (i < 0) throw new EngineError(`${name}: no column named ${usual.join('/')}: name it with a flag.`);
  return i;
}

function readJsonl(name: string, content: string, columns: TextColumns): TableRead {
  const lines = content.replace(/^\uFEFF/, '').split('\n');
  if (lines.length > LIMITS.maxTextRows + 1) throw new EngineError(`${name}: more than ${LIMITS.maxTextRows} rows.`);
  const fields = { text: columns.text ?? 'text', label: columns.label ?? 'label' };
  const rows: RawRow[] = [];
  const skipped: SkippedText[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const row = JSON.parse(line) as Record<string, unknown>;
      rows.push({ line: i + 1, text: row[fields.text], label: row[fields.label] });
    } catch {
      skipped.push({ path: `${name}:${i + 1}`, reason: 'not a JSON object' });
    }
  });
  const read = collect(name, rows);
  return { examples: read.examples, skipped: [...skipped, ...read.skipped] };
}

interface RawRow {
  line: number;
  text: unknown;
  label: unknown;
}

function collect(name: string, rows: readonly RawRow[]): TableRead {
  if (rows.length > LIMITS.maxTextRows) throw new EngineError(`${name}: more than ${LIMITS.maxTextRows} rows.`);
  const examples: TextExample[] = [];
  const skipped: SkippedText[] = [];
  for (const row of rows) {
    const path = `${name}:${row.line}`;
    const label = typeof row.label === 'number' ? String(row.label) : row.label;
    if (typeof row.text !== 'string') skipped.push({ path, reason: 'no text in this row' });
    else if (typeof label !== 'string' || label.trim() === '') skipped.push({ path, reason: 'no label in this row' });
    else examples.push({ path, text: clipExample(row.text).text, label: label.trim() });
  }
  return { examples, skipped };
}
