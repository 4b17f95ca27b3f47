// Which data is text, and a table's header, for every process that routes or asks about data (the CLI picks
// its text paths by it, the editor its text flow and its column pick). Reads are bounded: a header is looked
// for in the first bytes of a table only.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { IMAGE_EXTENSIONS } from '../shared/imageFiles';
import { extensionOf, TEXT_FILE_EXTENSIONS, TEXT_TABLE_EXTENSIONS } from '../shared/text/textFiles';

/** How much of a table is read to find its columns: a header row longer than this is not one. */
const HEADER_BYTES = 64 * 1024;

/**
 * True for a table of texts, or a folder whose class subfolders hold more text files than images: an image
 * folder with a stray notes.txt stays an image folder.
 */
export function isTextData(source: string): boolean {
  const stat = fs.statSync(source, { throwIfNoEntry: false });
  if (!stat) return false;
  if (stat.isFile()) return TEXT_TABLE_EXTENSIONS.includes(extensionOf(source));
  if (!stat.isDirectory()) return false;
  let texts = 0;
  let images = 0;
  for (const name of namesIn(source)) {
    if (name.startsWith('.')) continue;
    for (const f of namesIn(path.join(source, name))) {
      const ext = extensionOf(f);
      if (TEXT_FILE_EXTENSIONS.includes(ext)) texts++;
      else if (IMAGE_EXTENSIONS.has(ext)) images++;
    }
  }
  return texts > images;
}

/** A folder's names; one that cannot be listed (or is a file) counts as empty here: the scanner says why. */
function namesIn(folder: string): string[] {
  try {
    return fs.readdirSync(folder);
  } catch {
    return [];
  }
}

/**
 * The column names of a .csv/.tsv table (its first row) or a .jsonl table (the keys of its first object);
 * empty when none can be read from the first HEADER_BYTES.
 */
export function readTableHeader(file: string): string[] {
  const head = firstBytes(file)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  const ext = extensionOf(file);
  if (ext === '.jsonl') {
    const line = head.split('\n').find((l) => l.trim() !== '');
    try {
      const row: unknown = JSON.parse(line ?? '');
      return row && typeof row === 'object' && !Array.isArray(row) ? Object.keys(row) : [];
    } catch {
      return [];
    }
  }
  const firstLine = head.split(/\r?\n/)[0] ?? '';
  try {
    const [row] = parse(firstLine, { delimiter: ext === '.tsv' ? '\t' : ',', relax_quotes: true }) as string[][];
    return (row ?? []).map((c) => c.trim());
  } catch {
    return [];
  }
}

function firstBytes(file: string): Buffer {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    if (!fs.fstatSync(fd).isFile()) return Buffer.alloc(0);
    const buffer = Buffer.alloc(HEADER_BYTES);
    return buffer.subarray(0, fs.readSync(fd, buffer, 0, HEADER_BYTES, 0));
  } finally {
    fs.closeSync(fd);
  }
}
