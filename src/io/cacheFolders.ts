// Where Transfer Studio keeps what it may recompute or fetch again: one home for the default cache folder and
// one for downloaded models, for the CLI, the language server and the trainer alike (the extension passes
// its own global storage instead of the default).
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/** Overrides the default cache folder (the CLI's --cache wins over it). */
export const CACHE_ENV = 'TRANSFER_STUDIO_CACHE';

/** $TRANSFER_STUDIO_CACHE, else $XDG_CACHE_HOME/transfer-studio, else ~/.cache/transfer-studio. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[CACHE_ENV] || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'transfer-studio');
}

/** The folder of models downloaded from URLs. */
export function downloadsDir(cacheDir: string): string {
  return path.join(cacheDir, 'models');
}

/** The folder one URL's model is downloaded into (complete when it holds DOWNLOAD_COMPLETE). */
export function downloadFolder(cacheDir: string, url: string): string {
  return path.join(downloadsDir(cacheDir), createHash('sha256').update(url).digest('hex').slice(0, 16));
}

/** Written last into a download folder: its presence says every file is there. */
export const DOWNLOAD_COMPLETE = '.complete';
