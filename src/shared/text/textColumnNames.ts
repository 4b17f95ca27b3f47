// The usual names of a table's text and label columns: the engine reads a table by them when no column is
// named, and the editor's column pick offers the same ones first, so both choose alike.

/** Header names (lowercased) that usually hold the text of an example. */
export const TEXT_COLUMN_NAMES: readonly string[] = ['text', 'sentence', 'content', 'body', 'message', 'document'];
/** Header names (lowercased) that usually hold its label. */
export const LABEL_COLUMN_NAMES: readonly string[] = ['label', 'class', 'category', 'target', 'intent', 'topic'];

/** The columns a header suggests: the first usual name of each kind, else the first and second column. */
export function suggestedColumns(header: readonly string[]): { text: number; label: number } {
  const lower = header.map((h) => h.trim().toLowerCase());
  const text = lower.findIndex((h) => TEXT_COLUMN_NAMES.includes(h));
  const label = lower.findIndex((h) => LABEL_COLUMN_NAMES.includes(h));
  const first = text >= 0 ? text : label === 0 ? 1 : 0;
  return { text: first, label: label >= 0 && label !== first ? label : first === 0 ? 1 : 0 };
}
