// The data folder's ignore list: files the user told the doctor to leave alone are left out of scans, training
// and checks. It sits at the data folder's root so it travels with the data (and shows in git): one path per
// line, relative to that root, with forward slashes; blank lines and lines starting with # are comments.

/** Name of the ignore file at the root of a data folder. */
export const IGNORE_FILE = '.transfer-studio-ignore';

/** The reason a scan gives for a file the ignore list names. */
export const IGNORED_REASON = `listed in ${IGNORE_FILE}`;

/** The relative paths an ignore file lists, with `\` and `./` normalised away. */
export function parseIgnoreFile(text: string): Set<string> {
  const paths = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    paths.add(normaliseIgnorePath(line));
  }
  return paths;
}

/** One path as the ignore file writes it: forward slashes, no leading "./" or "/". */
export function normaliseIgnorePath(relative: string): string {
  return relative.replace(/\\/g, '/').replace(/^(\.\/|\/)+/, '');
}

/** The ignore file's text after adding `relative` paths (each once; the file keeps its other lines). */
export function withIgnored(text: string, relative: readonly string[]): string {
  const present = parseIgnoreFile(text);
  const added = [...new Set(relative.map(normaliseIgnorePath))].filter((p) => !present.has(p));
  if (added.length === 0) return text;
  const head = text === '' ? '# Files Transfer Studio leaves out of scans, training and data checks.\n' : text;
  return `${head}${head.endsWith('\n') ? '' : '\n'}${added.join('\n')}\n`;
}
