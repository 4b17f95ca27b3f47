// Embeddings as CSV for spreadsheets, pandas and R: one row per image, `path,label,f0..fN`.
// Paths are user file names and may hold commas, quotes or even newlines, so fields are quoted per RFC 4180.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { csvField } from '../../shared/csvField';
import { EngineError } from '../../shared/engineError';

/** One image's embedding and its class. */
export interface EmbeddingRow {
  path: string;
  label: string;
  features: Float32Array;
}

/** The shortest decimal that reads back as the same float32: 9 digits always do, most values need fewer. */
export function formatFloat32(value: number): string {
  if (!Number.isFinite(value)) return String(value); // NaN, Infinity, -Infinity: what pandas and numpy read
  const target = Math.fround(value);
  for (let digits = 1; digits < 9; digits++) {
    const text = target.toPrecision(digits);
    if (Math.fround(Number(text)) === target) return String(Number(text));
  }
  return String(Number(target.toPrecision(9)));
}

export function embeddingCsvHeader(dims: number): string {
  const names = ['path', 'label'];
  for (let i = 0; i < dims; i++) names.push(`f${i}`);
  return names.join(',');
}

export function embeddingCsvLine(row: EmbeddingRow): string {
  const fields = [csvField(row.path), csvField(row.label)];
  for (const v of row.features) fields.push(formatFloat32(v));
  return fields.join(',');
}

/** The whole file as one string; lines end in CRLF as RFC 4180 says, which every reader accepts. */
export function formatEmbeddingCsv(rows: readonly EmbeddingRow[]): string {
  const dims = checkedDims(rows);
  return [embeddingCsvHeader(dims), ...rows.map(embeddingCsvLine)].join('\r\n') + '\r\n';
}

/** Streams the rows to `file`: 1,000 × 1,280 features is ~13 MB of text, built line by line. */
export async function writeEmbeddingCsv(file: string, rows: readonly EmbeddingRow[]): Promise<void> {
  const dims = checkedDims(rows);
  const out = createWriteStream(file);
  const failed = once(out, 'error').then(([e]) => {
    throw e as Error;
  });
  failed.catch(() => undefined); // an error between awaits must surface through the next race, not crash
  const write = async (line: string) => {
    if (!out.write(line + '\r\n')) await Promise.race([once(out, 'drain'), failed]);
  };
  await write(embeddingCsvHeader(dims));
  for (const row of rows) await write(embeddingCsvLine(row));
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
}

function checkedDims(rows: readonly EmbeddingRow[]): number {
  const dims = rows[0]?.features.length ?? 0;
  const bad = rows.findIndex((r) => r.features.length !== dims);
  if (bad >= 0)
    throw new EngineError(
      `Embedding of ${rows[bad].path} has ${rows[bad].features.length} values, the first has ${dims}.`,
    );
  return dims;
}
