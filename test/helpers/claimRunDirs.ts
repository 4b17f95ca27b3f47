// Child process of the concurrency test: waits for a common start time, then claims `count` run folders
// with the same name and the same timestamp as fast as it can, and prints the folders it was given.
// TRANSFER_STUDIO_TEST_SRC points at another source tree (how the old behaviour was measured once).
import path from 'node:path';

async function main(): Promise<void> {
  const [out, startAt, count] = process.argv.slice(2);
  const src = process.env.TRANSFER_STUDIO_TEST_SRC ?? path.resolve(__dirname, '../../src');
  const { createRunDir } = (await import(
    path.join(src, 'trainer/train/runFolder.ts')
  )) as typeof import('../../src/trainer/train/runFolder');
  const now = new Date('2026-01-01T00:00:00Z');
  while (Date.now() < Number(startAt)) {
    // Spin rather than sleep: every process leaves the line at the same millisecond.
  }
  const dirs: string[] = [];
  for (let i = 0; i < Number(count); i++) dirs.push(createRunDir(out, 'same', now));
  process.stdout.write(JSON.stringify(dirs));
}

void main();
