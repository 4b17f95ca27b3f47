// The README's generated parts sit between `<!-- readme:NAME -->` and `<!-- /readme:NAME -->`; `npm run readme`
// (scripts/readme.mjs) replaces what lies between them and nothing else, so hand-written text around them stays.

/** The text with block NAME's content replaced; a block that is missing or appears twice is an error. */
export function replaceBlock(text, name, content) {
  const open = `<!-- readme:${name} -->`;
  const close = `<!-- /readme:${name} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`README.md has no block ${open} … ${close}`);
  if (text.indexOf(open, start + 1) >= 0) throw new Error(`README.md has block ${open} twice`);
  return text.slice(0, start + open.length) + content + text.slice(end);
}

/** The content of block NAME, or undefined when the README has none. */
export function blockContent(text, name) {
  const open = `<!-- readme:${name} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(`<!-- /readme:${name} -->`);
  return start < 0 || end < start ? undefined : text.slice(start + open.length, end);
}

/** The demo's table: its stdout up to the first blank line (what follows is the backend, runs and total). */
export function demoTable(stdout) {
  const lines = stdout.replace(/\r/g, '').split('\n');
  const blank = lines.findIndex((l, i) => i > 0 && l.trim() === '');
  return lines.slice(0, blank < 0 ? lines.length : blank).join('\n');
}

/**
 * The lines of the demo's row whose approach starts with `approach`: the table wraps a long approach over
 * several lines, and the lines after the first hold nothing beyond the first column.
 */
export function demoRow(table, approach) {
  const lines = table.split('\n');
  const firstColumn = (lines[1] ?? '').indexOf(' ');
  const start = lines.findIndex((l, i) => i > 1 && l.startsWith(approach));
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && lines[end].trimEnd().length <= firstColumn) end++;
  return lines.slice(start, end).join('\n');
}

/** Megabytes with one decimal, as the README writes sizes. */
export const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
