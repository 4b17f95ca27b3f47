// The host messages recorded from the real engine by scripts/record-panel-messages.ts.
import fs from 'node:fs';
import path from 'node:path';
import type { ProgressEvent } from '../../src/shared/engineTypes';
import type { HostMessage, PanelSnapshot } from '../../src/shared/panelProtocol';

type Of<T extends HostMessage['type']> = Extract<HostMessage, { type: T }>;

export interface Recorded {
  idleSnapshot: Of<'snapshot'>;
  running: Of<'training'>;
  progress: Of<'progress'>;
  finished: Of<'training'>;
  evaluation: Of<'evaluation'>;
  hostileDataset: Of<'dataset'>;
}

export const RECORDED_FILE = path.resolve(__dirname, '../fixtures/recorded/panel-messages.json');

/** A fresh copy each call: tests may change what they get. */
export function recorded(): Recorded {
  return JSON.parse(fs.readFileSync(RECORDED_FILE, 'utf8')) as Recorded;
}

/** The snapshot a panel gets after the recorded training finished: history, evaluation and all. */
export function finishedSnapshot(r: Recorded = recorded()): Of<'snapshot'> {
  const snapshot: PanelSnapshot = {
    ...r.idleSnapshot.snapshot,
    training: r.finished.training,
    history: r.progress.events,
    evaluation: r.evaluation.evaluation,
  };
  return { type: 'snapshot', snapshot };
}

/**
 * `count` batch events made of the recorded ones: the recorded run's batches repeated over as many epochs as
 * needed (epoch numbers continue), with an epoch event at the end of each epoch, as a long run would send.
 */
export function longRun(count: number, r: Recorded = recorded()): ProgressEvent[] {
  const batches = r.progress.events.filter(
    (e): e is Extract<ProgressEvent, { kind: 'batch' }> =>
      e.kind === 'batch' && e.model === 'transfer' && e.phase === 1,
  );
  const epochs = r.progress.events.filter(
    (e): e is Extract<ProgressEvent, { kind: 'epoch' }> =>
      e.kind === 'epoch' && e.model === 'transfer' && e.metrics.phase === 1,
  );
  const perEpoch = batches[0].batches;
  const totalEpochs = Math.ceil(count / perEpoch);
  const out: ProgressEvent[] = [];
  for (let i = 0; i < count; i++) {
    const b = batches[i % batches.length];
    const epoch = Math.floor(i / perEpoch) + 1;
    const batch = (i % perEpoch) + 1;
    out.push({ ...b, epoch, epochs: totalEpochs, batch, batches: perEpoch });
    if (batch === perEpoch) {
      const m = epochs[(epoch - 1) % epochs.length];
      out.push({ ...m, epochs: totalEpochs, metrics: { ...m.metrics, epoch } });
    }
  }
  return out;
}
