// Short progress sentences for the notification and the status bar.
import type { ProgressEvent } from '../../shared/engineTypes';
import { epochLabel, percent } from '../../shared/epochLine';

export function describeProgress(e: ProgressEvent | undefined): string | undefined {
  if (!e) return undefined;
  switch (e.kind) {
    case 'stage':
      return e.total ? `${e.stage} ${e.done ?? 0}/${e.total}` : e.stage;
    case 'batch':
      return `${epochLabel(e.model, e.phase, e.epoch, e.epochs, e.untilPlateau)} · loss ${e.loss.toFixed(3)} · ${e.imagesPerSec.toFixed(0)} img/s`;
    case 'epoch':
      return `${epochLabel(e.model, e.metrics.phase, e.metrics.epoch, e.epochs, e.untilPlateau)} · loss ${e.metrics.loss.toFixed(3)} · val acc ${percent(e.metrics.valAccuracy)}`;
    case 'log':
      return undefined;
  }
}
