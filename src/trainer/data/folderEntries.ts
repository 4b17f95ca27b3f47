// Lists a folder of a dataset without letting one odd entry stop the scan: a folder the user cannot read
// (lost+found at the root of a disk), a name that is not valid UTF-8 (old zip archives), a broken or looping
// symbolic link, a link that leads out of its class folder. Each becomes a skipped entry with its reason.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { SkippedFile } from '../../shared/engineTypes';
import { errnoReason } from '../../io/boundedRead';

export interface FolderEntry {
  name: string;
  full: string;
  /** What the entry is after following a symbolic link. */
  kind: 'dir' | 'file' | 'other';
  /** Where a symbolic link leads (its real path); undefined for plain entries. */
  linkTarget?: string;
}

/** The entries of `dir`, or undefined (with a skipped entry) when the folder itself cannot be read. */
export async function readEntries(dir: string, skipped: SkippedFile[]): Promise<FolderEntry[] | undefined> {
  let raw: import('node:fs').Dirent<Buffer>[];
  try {
    raw = await fs.readdir(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch (e) {
    skipped.push({ path: dir, reason: `folder cannot be read (${errnoReason(e)}); left out` });
    return undefined;
  }
  const out: FolderEntry[] = [];
  for (const d of raw) {
    const bytes = d.name as unknown as Buffer;
    const name = bytes.toString('utf8');
    const full = path.join(dir, name);
    // A name that does not survive the round trip through UTF-8 cannot be opened by the string path we would use.
    if (!Buffer.from(name, 'utf8').equals(bytes)) {
      skipped.push({
        path: full,
        reason: `name is not valid UTF-8 (bytes ${bytes.toString('hex')}); rename it to use it`,
      });
      continue;
    }
    if (!d.isSymbolicLink()) {
      out.push({ name, full, kind: d.isDirectory() ? 'dir' : d.isFile() ? 'file' : 'other' });
      continue;
    }
    try {
      const linkTarget = await fs.realpath(full);
      const st = await fs.stat(linkTarget);
      out.push({ name, full, kind: st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other', linkTarget });
    } catch (e) {
      skipped.push({ path: full, reason: `symbolic link that leads nowhere (${errnoReason(e)})` });
    }
  }
  return out;
}

/** Whether `target` is `folder` or inside it (both real paths). */
export function isInside(folder: string, target: string): boolean {
  const rel = path.relative(folder, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
