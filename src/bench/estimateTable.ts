// The second phase's estimate against what the same work took (issue 29), read from the run folders the
// evaluations wrote (run.json's trials: the estimate the trial was started on, for the epochs it ran, and
// the seconds it took), so the table comes from the runs. A measurement report, not a test.
//   node --import tsx src/bench/estimateTable.ts <run folder or folder of runs>...
import fs from 'node:fs';
import path from 'node:path';
import { isRunFolder, readRunInfo } from '../io/runFiles';

function runFolders(place: string): string[] {
  if (isRunFolder(place)) return [place];
  return fs
    .readdirSync(place)
    .map((name) => path.join(place, name))
    .filter(isRunFolder)
    .sort();
}

function main(): void {
  const places = process.argv.slice(2);
  if (places.length === 0) throw new Error('usage: estimateTable.ts <run folder or folder of runs>...');
  console.log('| run | trial | epochs | estimated | took | estimate off by |');
  console.log('|---|---|---|---|---|---|');
  for (const dir of places.flatMap(runFolders)) {
    for (const t of readRunInfo(dir).trials ?? []) {
      if (t.estimateSeconds === undefined || t.epochs === 0) continue;
      const off = (t.estimateSeconds - t.seconds) / t.seconds;
      const sign = off >= 0 ? '+' : '−';
      console.log(
        `| ${path.basename(dir)} | ${t.name} | ${t.epochs} | ${t.estimateSeconds.toFixed(1)} s | ` +
          `${t.seconds.toFixed(1)} s | ${sign}${Math.abs(off * 100).toFixed(0)} % |`,
      );
    }
  }
}

try {
  main();
} catch (e) {
  process.stderr.write(`estimate table: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
