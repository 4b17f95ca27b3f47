// Turns the trainer's progress events into chart series. Pure (no DOM) so it can be tested in Node.
// The x axis counts epochs across both phases: batch b of n in epoch e sits at offset + e - 1 + b / n, and the
// second phase continues where the first stopped (its epoch numbers restart at 1).
import type { ProgressEvent, RunModel } from '../src/shared/engineTypes';
import type { EpochMetrics } from '../src/shared/evaluationTypes';

export interface Series {
  x: number[];
  y: number[];
}

/** Last stage and batch figures, for the text above the charts. */
export interface TrainingStats {
  stage?: string;
  stageDone?: number;
  stageTotal?: number;
  model?: RunModel;
  phase?: 1 | 2;
  epoch?: number;
  epochs?: number;
  untilPlateau?: number;
  batch?: number;
  batches?: number;
  imagesPerSec?: number;
  etaSeconds?: number;
}

const newSeries = (): Series => ({ x: [], y: [] });

/** Exponential moving average with bias correction (as TensorBoard smooths), reset per phase. */
class Smoother {
  private value = 0;
  private n = 0;
  constructor(private readonly beta: number) {}
  reset(): void {
    this.value = 0;
    this.n = 0;
  }
  next(v: number): number {
    this.n += 1;
    this.value = this.beta * this.value + (1 - this.beta) * v;
    return this.value / (1 - this.beta ** this.n);
  }
}

export class ModelCurves {
  readonly batchLoss = newSeries();
  readonly batchAccuracy = newSeries();
  readonly loss = newSeries();
  readonly accuracy = newSeries();
  readonly valLoss = newSeries();
  readonly valAccuracy = newSeries();
  /** Where each phase starts on the x axis. */
  readonly phaseStart: Record<1 | 2, number | undefined> = { 1: 0, 2: undefined };
  private lastX = 0;
  private phase: 1 | 2 = 1;
  private readonly smoothLoss = new Smoother(0.9);
  private readonly smoothAccuracy = new Smoother(0.9);

  private x(phase: 1 | 2, epoch: number, fraction: number): number {
    if (phase !== this.phase) {
      this.phase = phase;
      this.phaseStart[phase] ??= Math.ceil(this.lastX - 1e-9);
      this.smoothLoss.reset();
      this.smoothAccuracy.reset();
    }
    const x = (this.phaseStart[phase] ?? 0) + epoch - 1 + fraction;
    this.lastX = Math.max(this.lastX, x);
    return x;
  }

  batch(phase: 1 | 2, epoch: number, batch: number, batches: number, loss: number, accuracy: number): void {
    const x = this.x(phase, epoch, batches > 0 ? batch / batches : 1);
    push(this.batchLoss, x, this.smoothLoss.next(loss));
    push(this.batchAccuracy, x, this.smoothAccuracy.next(accuracy));
  }

  epoch(m: EpochMetrics): void {
    const x = this.x(m.phase, m.epoch, 1);
    push(this.loss, x, m.loss);
    push(this.accuracy, x, m.accuracy);
    push(this.valLoss, x, m.valLoss);
    push(this.valAccuracy, x, m.valAccuracy);
  }
}

/** Appends a point, replacing one at the same or a later x (a resumed run repeats its last epoch). */
function push(s: Series, x: number, y: number): void {
  if (!Number.isFinite(y)) return;
  while (s.x.length > 0 && s.x[s.x.length - 1] >= x) {
    s.x.pop();
    s.y.pop();
  }
  s.x.push(x);
  s.y.push(y);
}

export class TrainingCurves {
  readonly transfer = new ModelCurves();
  readonly scratch = new ModelCurves();
  readonly stats: TrainingStats = {};
  /** Batch events taken in (the point counter of the live charts). */
  batchPoints = 0;

  add(e: ProgressEvent): void {
    switch (e.kind) {
      case 'stage':
        this.stats.stage = e.stage;
        this.stats.stageDone = e.done;
        this.stats.stageTotal = e.total;
        break;
      case 'batch':
        this.batchPoints += 1;
        (e.model === 'scratch' ? this.scratch : this.transfer).batch(
          e.phase,
          e.epoch,
          e.batch,
          e.batches,
          e.loss,
          e.accuracy,
        );
        Object.assign(this.stats, {
          model: e.model,
          phase: e.phase,
          epoch: e.epoch,
          epochs: e.epochs,
          untilPlateau: e.untilPlateau,
          batch: e.batch,
          batches: e.batches,
          imagesPerSec: e.imagesPerSec,
          etaSeconds: e.etaSeconds,
        });
        break;
      case 'epoch':
        (e.model === 'scratch' ? this.scratch : this.transfer).epoch(e.metrics);
        break;
      case 'log':
        break;
    }
  }

  get hasScratch(): boolean {
    return this.scratch.loss.x.length > 0 || this.scratch.batchLoss.x.length > 0;
  }

  /** Where the second phase starts on the x axis, when there is one. */
  get phase2Start(): number | undefined {
    return this.transfer.phaseStart[2];
  }
}

/** Curves of finished runs (the evaluation's histories) on the same x axis as the live charts. */
export function curvesOfHistory(history: readonly EpochMetrics[]): ModelCurves {
  const c = new ModelCurves();
  for (const m of history) c.epoch(m);
  return c;
}

/**
 * uPlot wants one shared, sorted x column and one y column per series (null where a series has no point).
 * Every input series is sorted by x, so a k-way merge is enough.
 */
export function alignSeries(series: readonly Series[]): [number[], ...(number | null)[][]] {
  const xs: number[] = [];
  const cursor = series.map(() => 0);
  const ys: (number | null)[][] = series.map(() => []);
  for (;;) {
    let next = Infinity;
    for (let i = 0; i < series.length; i++)
      if (cursor[i] < series[i].x.length) next = Math.min(next, series[i].x[cursor[i]]);
    if (next === Infinity) break;
    xs.push(next);
    for (let i = 0; i < series.length; i++) {
      const s = series[i];
      if (cursor[i] < s.x.length && s.x[cursor[i]] === next) ys[i].push(s.y[cursor[i]++]);
      else ys[i].push(null);
    }
  }
  return [xs, ...ys];
}
