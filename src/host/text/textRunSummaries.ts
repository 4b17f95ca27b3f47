// Text runs as rows of the Runs view: they have no run.json (text-run.json instead), so the image listing
// passes them over; this lists them through the text run reader, with the kept model as their "base".
import { listTextRuns } from '../../io/textRuns';
import type { RunSummary } from '../runs/runStore';

export function listTextRunSummaries(runsDirs: readonly string[]): RunSummary[] {
  return listTextRuns(runsDirs).map(({ dir, name, record }) => ({
    dir,
    name,
    status: 'finished',
    mode: 'text',
    base: record.kept,
    bestValAccuracy: record.candidates.find((c) => c.name === record.kept)?.validationAccuracy,
    // Its model is text-model.json, which the image commands (export, evaluate, predict) cannot read.
    hasModel: false,
    hasCheckpoint: false,
  }));
}
