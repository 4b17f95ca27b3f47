// Short progress sentences for the notification and the status bar.
import type { ProgressEvent } from '../../shared/engineTypes';

export function describeProgress(e: ProgressEvent | undefined): string | undefined {
  if (!e) return undefined;
  switch (e.kind) {
    case 'stage':
      return e.total ? `${e.stage} ${e.done ?? 0}/${e.total}` : e.stage;
    case 'batch':
      return `${e.model === 'scratch' ? 'scratch · ' : ''}${e.phase === 2 ? 'phase 2 · ' : ''}epoch ${e.epoch}/${e.epochs} · loss ${e.loss.toFixed(3)} · ${e.imagesPerSec.toFixed(0)} img/s`;
    case 'epoch':
      return `epoch ${e.metrics.epoch}/${e.epochs} · loss ${e.metrics.loss.toFixed(3)} · val acc ${(e.metrics.valAccuracy * 100).toFixed(1)}%`;
    case 'log':
      return undefined;
  }
}
