// Paths of the real-image fixtures written by scripts/prepare-fixtures.ts, and a trainer client on the
// built child process (dist/trainer.js), exactly as the CLI and the extension start it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TrainerClient } from '../../src/client/trainerClient';

export const ROOT = path.resolve(__dirname, '../..');
export const FIXTURES = path.join(ROOT, 'test/fixtures/generated');
export const fixture = (name: string) => path.join(FIXTURES, name);
export const DIST = path.join(ROOT, 'dist');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ts-${prefix}-`));
}

export function startClient(log: string[] = []): TrainerClient {
  return new TrainerClient({ workerPath: path.join(DIST, 'trainer.js'), backend: 'wasm', onLog: (l) => log.push(l) });
}
