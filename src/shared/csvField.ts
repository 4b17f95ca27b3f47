// One way to write a CSV field (RFC 4180) for every file we write: embeddings, the demo's text tables.
// User file names and sentences may hold commas, quotes or newlines.

/** Quotes a field only when it must be: a comma, quote, CR or LF, or edge spaces some readers would trim. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
