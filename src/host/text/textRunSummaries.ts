// Text runs as rows of the Runs view: the image listing passes them over (their run.json has no tfjs model
// beside it); this lists them through the text run reader, with the kept model as their "base".
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
