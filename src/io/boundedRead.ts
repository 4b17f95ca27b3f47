// Reading files the user (or anyone) could have put there: stat first, open only regular files (a FIFO or a
// device would block or never end), refuse sizes over a named limit before allocating, and turn every
// failure into a one-line EngineError that names the file and what is wrong with it.
import fs from 'node:fs';
import { formatBytes } from '../shared/limits';
import { EngineError } from '../shared/engineError';

/** What kind of non-regular file a stat describes, for messages. */
export function fileKind(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Why a path cannot be read as a regular file of at most `maxBytes`, or undefined with its size when it can. */
export function regularFileProblem(file: string, maxBytes: number): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    return errnoReason(e);
  }
  if (!st.isFile()) return `${fileKind(st)}, not a regular file`;
  if (st.size > maxBytes) return `${formatBytes(st.size)}, over the ${formatBytes(maxBytes)} limit`;
  return undefined;
}

/**
 * Reads a whole regular file of at most `maxBytes`. The file is opened non-blocking and checked again on
 * the open descriptor, so a FIFO swapped in after the stat cannot hang the read.
 */
export function readFileBounded(file: string, maxBytes: number, what = 'file'): Buffer {
  const problem = regularFileProblem(file, maxBytes);
  if (problem) throw new EngineError(`Cannot read ${what} ${file}: ${problem}.`);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw new EngineError(`Cannot read ${what} ${file}: ${errnoReason(e)}.`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new EngineError(`Cannot read ${what} ${file}: ${fileKind(st)}, not a regular file.`);
    if (st.size > maxBytes)
      throw new EngineError(
        `Cannot read ${what} ${file}: ${formatBytes(st.size)}, over the ${formatBytes(maxBytes)} limit.`,
      );
    // One byte more than allowed tells a file that grew since the stat from one that did not.
    const buffer = Buffer.alloc(Math.min(st.size + 1, maxBytes + 1));
    let n = 0;
    for (let got = -1; got !== 0 && n < buffer.length; n += got) got = fs.readSync(fd, buffer, n, buffer.length - n, n);
    if (n > maxBytes)
      throw new EngineError(
        `Cannot read ${what} ${file}: it grew over the ${formatBytes(maxBytes)} limit while being read.`,
      );
    return buffer.subarray(0, n);
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw new EngineError(`Cannot read ${what} ${file}: ${errnoReason(e)}.`);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads and parses a JSON file; the message names the file and where the JSON breaks. */
export function readJsonFile(file: string, maxBytes: number, what = 'file'): unknown {
  const text = readFileBounded(file, maxBytes, what).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const where = /position (\d+)/.exec((e as Error).message);
    const detail =
      text.trim() === '' ? 'the file is empty' : where ? `invalid JSON at character ${where[1]}` : 'invalid JSON';
    throw new EngineError(
      `Cannot read ${what} ${file}: ${detail}${text.length > 0 && !/[}\]]\s*$/.test(text) ? ' (the file looks cut short)' : ''}.`,
    );
  }
}

/** A short reason for a failed file system call, from its code rather than the platform's text. */
export function errnoReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'a folder, not a file';
    case 'ELOOP':
      return 'a loop of symbolic links';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'EIO':
      return 'input/output error (a damaged disk?)';
    case 'EAGAIN':
      return 'the file is not ready to be read (not a regular file?)';
    default:
      return code ? `error ${code}` : e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
}
