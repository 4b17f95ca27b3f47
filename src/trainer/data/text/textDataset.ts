// A text dataset from disk: a folder with one subfolder per class of .txt/.md files (one example per file),
// or one .csv/.tsv/.jsonl table. Every size is bounded before reading; unusable files are skipped with a
// reason; texts are normalised and deduplicated before anyone splits them.
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../../../shared/engineError';
import { formatBytes, LIMITS } from '../../../shared/limits';
import { dedupeTexts, type SkippedText, type TextExample } from '../../../shared/text/textExamples';
import { clipExample, decodeUtf8 } from './textDecode';
import { extensionOf, TEXT_FILE_EXTENSIONS } from '../../../shared/text/textFiles';
import { readTextTable, type TextColumns } from './textTable';

/** A read text dataset: its classes (sorted) and usable examples, and what was left out and why. */
export interface TextDataset {
  source: string;
  classes: string[];
  examples: TextExample[];
  skipped: SkippedText[];
}

/** Reads, normalises and deduplicates the examples of a folder or table. */
export function readTextDataset(source: string, columns: TextColumns = {}): TextDataset {
  const stat = fs.statSync(source, { throwIfNoEntry: false });
  if (!stat) throw new EngineError(`${source}: no such file or folder.`);
  const read = stat.isFile() ? readTable(source, stat.size, columns) : readClassFolder(source);
  const deduped = dedupeTexts(read.examples);
  const classes = [...new Set(deduped.examples.map((e) => e.label))].sort();
  if (classes.length < 2)
    throw new EngineError(`${source}: needs at least two classes of text, found ${classes.length}.`);
  return { source, classes, examples: deduped.examples, skipped: [...read.skipped, ...deduped.skipped] };
}

function readTable(file: string, size: number, columns: TextColumns) {
  if (size > LIMITS.maxTextTableBytes) {
    throw new EngineError(`${file}: ${formatBytes(size)} is more than ${formatBytes(LIMITS.maxTextTableBytes)}.`);
  }
  const decoded = decodeUtf8(fs.readFileSync(file));
  if ('reason' in decoded) throw new EngineError(`${file}: ${decoded.reason}.`);
  return readTextTable(path.basename(file), decoded.text, columns);
}

function readClassFolder(root: string) {
  const examples: TextExample[] = [];
  const skipped: SkippedText[] = [];
  const classDirs = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  for (const label of classDirs) {
    const dir = path.join(root, label);
    for (const name of fs.readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const file = path.join(dir, name);
      const reason = unusableFile(file);
      if (reason) {
        skipped.push({ path: file, reason, label });
        continue;
      }
      const decoded = decodeUtf8(fs.readFileSync(file));
      if ('reason' in decoded) skipped.push({ path: file, reason: decoded.reason, label });
      else examples.push({ path: file, text: clipExample(decoded.text).text, label });
      if (examples.length > LIMITS.maxTextRows)
        throw new EngineError(`${root}: more than ${LIMITS.maxTextRows} examples.`);
    }
  }
  return { examples, skipped };
}

function unusableFile(file: string): string | undefined {
  const stat = fs.statSync(file);
  if (!stat.isFile()) return 'not a file';
  if (!TEXT_FILE_EXTENSIONS.includes(extensionOf(file))) return 'not a .txt or .md file';
  if (stat.size > LIMITS.maxTextFileBytes) {
    return `${formatBytes(stat.size)} is more than ${formatBytes(LIMITS.maxTextFileBytes)} for one example`;
  }
  return undefined;
}
