// How an epoch is named and summed up in words, for every place that prints one: the CLI, the host's log,
// the notification, the status bar and the panel's stats line.
import type { ProgressEvent, RunModel } from './engineTypes';
import type { EpochMetrics } from './evaluationTypes';

/** A share in [0, 1] as a percentage with one decimal; '—' when there is none (NaN before validation). */
export function percent(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—';
}

/**
 * Which epoch of which run: "epoch 3/10", "phase 2 epoch 1/5", "scratch epoch 2/10"; in an automatic phase,
 * whose epoch count is only a cap, "epoch 12 (stops after 10 without improvement)".
 */
export function epochLabel(
  model: RunModel,
  phase: 1 | 2,
  epoch: number,
  epochs: number,
  untilPlateau?: number,
): string {
  const which = `${model === 'scratch' ? 'scratch ' : ''}${phase === 2 ? 'phase 2 ' : ''}epoch ${epoch}`;
  return untilPlateau ? `${which} (stops after ${untilPlateau} without improvement)` : `${which}/${epochs}`;
}

/** The line of a finished epoch: "epoch 3/10: loss 0.4121 acc 88.0% · val loss 0.5012 val acc 84.4% · 2.1 s". */
export function epochLine(e: Extract<ProgressEvent, { kind: 'epoch' }>): string {
  const m: EpochMetrics = e.metrics;
  return (
    `${epochLabel(e.model, m.phase, m.epoch, e.epochs, e.untilPlateau)}: loss ${m.loss.toFixed(4)} acc ${percent(m.accuracy)}` +
    ` · val loss ${m.valLoss.toFixed(4)} val acc ${percent(m.valAccuracy)} · ${m.seconds.toFixed(1)} s`
  );
}
