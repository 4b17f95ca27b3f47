// The evaluation the panel shows for a run folder: confusion matrix, per-class metrics, misclassified
// thumbnails and both learning curves when the run compared with scratch.
import type { EvaluationView } from '../../shared/panelProtocol';
import type { HostTrainerProcess } from '../hostTrainerProcess';
import { readEvaluation, readMetrics } from './runStore';
import * as P from '../../shared/trainerProtocol';

const MISCLASSIFIED_SHOWN = 24;

export async function buildEvaluationView(
  runDir: string,
  trainer: HostTrainerProcess,
): Promise<EvaluationView | undefined> {
  const evaluation = readEvaluation(runDir);
  if (!evaluation) return undefined;
  const metrics = readMetrics(runDir);
  const wrong = evaluation.transfer.misclassified.slice(0, MISCLASSIFIED_SHOWN);
  let thumbnails = wrong.map((m) => ({ path: m.path, src: '' }));
  try {
    thumbnails = await (await trainer.get()).sendRequest(P.thumbnails, { files: wrong.map((m) => m.path), size: 96 });
  } catch {
    // Files moved or deleted since the run: the panel still lists them by name.
  }
  return {
    runDir,
    evaluatedOn: evaluation.evaluatedOn,
    evaluation: evaluation.transfer,
    misclassified: thumbnails,
    transferHistory: metrics?.transfer ?? [],
    scratchHistory: metrics?.scratch,
    scratchAccuracy: evaluation.scratch?.accuracy,
    quality: {
      trials: evaluation.trials,
      evaluationNote: evaluation.evaluationNote,
      baselines: evaluation.baselines,
      verdict: evaluation.verdict,
    },
  };
}
