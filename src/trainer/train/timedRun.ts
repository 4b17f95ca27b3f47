// A local run with its timings: the clock reads the run's progress events on their way out, and the result
// and run.json get the four figures when the run ends.
import fs from 'node:fs';
import path from 'node:path';
import type { ProgressEvent, RunResult } from '../../shared/engineTypes';
import { timingClock } from '../../shared/runTimings';
import { updateRunInfo } from './runFolder';

export async function timedRun(
  emit: (e: ProgressEvent) => void,
  run: (emit: (e: ProgressEvent) => void) => Promise<RunResult>,
): Promise<RunResult> {
  const clock = timingClock();
  const result = await run((e) => {
    clock.observe(e);
    emit(e);
  });
  const timings = clock.timings();
  if (fs.existsSync(path.join(result.runDir, 'run.json'))) updateRunInfo(result.runDir, { timings });
  return { ...result, timings };
}
