// The one-line summary of a finished run, for the CLI, the extension's notification and its log: accuracy,
// per-class recall (what accuracy hides when classes are imbalanced), and how transfer fared against the
// baselines without transfer.
import type { RunResult } from './engineTypes';
import type { Evaluation } from './evaluationTypes';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** "recall cat 90.0 %, dog 75.0 %". */
export function recallSummary(e: Evaluation): string {
  return `recall ${e.perClass.map((c) => `${c.name} ${pct(c.recall)}`).join(', ')}`;
}

/** "test accuracy 93.3 % on 15 images · recall … · small CNN 28×28×1 from scratch 72.6 %". */
export function resultSummary(r: Pick<RunResult, 'transfer' | 'baselines'>): string {
  const t = r.transfer;
  const baselines = (r.baselines ?? [])
    .map((b) => ` · ${b.name} from scratch ${pct(b.result.evaluation.accuracy)}`)
    .join('');
  return `${t.evaluatedOn} accuracy ${pct(t.evaluation.accuracy)} on ${t.evaluation.count} images · ${recallSummary(t.evaluation)}${baselines}`;
}
