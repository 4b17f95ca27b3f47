// The live training view: loss and accuracy (train per batch smoothed, train and validation per epoch, the
// scratch twin when there is one), the second phase marked, images/s and ETA. Events may arrive faster than
// frames; drawing happens at most once per animation frame.
import type { ProgressEvent } from '../src/shared/engineTypes';
import { epochLabel } from '../src/shared/epochLine';
import { TrainingCurves, type ModelCurves, type Series } from './chartData';
import { LineChart, type SeriesSpec } from './charts';
import { h, replaceChildren } from './dom';
import { formatDuration, formatNumber } from './format';
import { t } from './l10n';

// A function: the names are looked up (webview/l10n.ts) when shown, not when the module loads.
const stageNames = (): Record<string, string> => ({
  scanning: t('Scanning the dataset'),
  'loading-base': t('Loading the base model'),
  'caching-features': t('Computing features'),
  training: t('Training'),
  evaluating: t('Evaluating'),
  saving: t('Saving'),
});

// Whole labels per metric, so a translator sees each one as it is shown.
const seriesLabels = () => ({
  loss: [
    t('train loss (per batch, smoothed)'),
    t('train loss (epoch)'),
    t('validation loss'),
    t('scratch train loss'),
    t('scratch validation loss'),
  ],
  accuracy: [
    t('train accuracy (per batch, smoothed)'),
    t('train accuracy (epoch)'),
    t('validation accuracy'),
    t('scratch train accuracy'),
    t('scratch validation accuracy'),
  ],
});

function specs(metric: 'loss' | 'accuracy', scratch: boolean): SeriesSpec[] {
  const [batch, epoch, validation, scratchTrain, scratchValidation] = seriesLabels()[metric];
  const list: SeriesSpec[] = [
    { label: batch, color: 'blue', faint: true },
    { label: epoch, color: 'blue', points: true },
    { label: validation, color: 'orange', points: true },
  ];
  if (scratch)
    list.push(
      { label: scratchTrain, color: 'purple', points: true, dashed: true },
      { label: scratchValidation, color: 'green', points: true, dashed: true },
    );
  return list;
}

function seriesOf(c: ModelCurves, metric: 'loss' | 'accuracy'): Series[] {
  return metric === 'loss' ? [c.batchLoss, c.loss, c.valLoss] : [c.batchAccuracy, c.accuracy, c.valAccuracy];
}

export class LiveCharts {
  readonly element: HTMLElement;
  private curves = new TrainingCurves();
  private readonly lossChart = new LineChart(t('Loss'), t('loss'), specs('loss', false), 'chart-loss');
  private readonly accuracyChart = new LineChart(
    t('Accuracy'),
    t('accuracy'),
    specs('accuracy', false),
    'chart-accuracy',
  );
  private readonly statsLine = h('div', { class: 'stats', 'data-testid': 'training-stats', 'aria-live': 'polite' });
  private readonly pointCounter = h(
    'span',
    { class: 'point-counter', 'data-testid': 'chart-points', 'data-count': 0 },
    t('{0} batch points', 0),
  );
  private scratchShown = false;
  private frameRequested = false;
  private lastDraw = 0;
  private active = true;

  constructor() {
    this.element = h(
      'section',
      { class: 'live-charts', 'data-testid': 'live-charts' },
      h('div', { class: 'stats-row' }, this.statsLine, this.pointCounter),
      h('div', { class: 'chart-grid' }, this.lossChart.element, this.accuracyChart.element),
    );
  }

  /** Starts over from a full history (a snapshot). */
  replay(history: readonly ProgressEvent[]): void {
    this.curves = new TrainingCurves();
    this.lastDraw = 0; // a whole history is drawn on the next frame, not throttled
    this.add(history);
  }

  add(events: readonly ProgressEvent[]): void {
    for (const e of events) this.curves.add(e);
    this.requestFrame();
  }

  /** Whether a training is running: a finished one shows no stage and no ETA (they describe its last moment). */
  setActive(active: boolean): void {
    if (this.active === active) return;
    this.active = active;
    this.requestFrame();
  }

  /** The theme changed: charts read their colors again. */
  restyle(): void {
    this.lossChart.rebuild();
    this.accuracyChart.rebuild();
    this.requestFrame();
  }

  private requestFrame(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    // Redrawing thousands of points on every frame gains nothing a user can see: long runs redraw at most
    // every ~100 ms, short ones on the next frame.
    const wait = this.curves.batchPoints > 2000 ? Math.max(0, this.lastDraw + 100 - performance.now()) : 0;
    const go = () =>
      requestAnimationFrame(() => {
        this.frameRequested = false;
        this.lastDraw = performance.now();
        this.draw();
      });
    if (wait > 0) setTimeout(go, wait);
    else go();
  }

  private draw(): void {
    const c = this.curves;
    if (c.hasScratch !== this.scratchShown) {
      this.scratchShown = c.hasScratch;
      this.lossChart.setSpecs(specs('loss', this.scratchShown));
      this.accuracyChart.setSpecs(specs('accuracy', this.scratchShown));
    }
    const marker = c.phase2Start === undefined ? undefined : { x: c.phase2Start, label: t('phase 2') };
    for (const [chart, metric] of [
      [this.lossChart, 'loss'],
      [this.accuracyChart, 'accuracy'],
    ] as const) {
      const series = seriesOf(c.transfer, metric);
      // The scratch twin is drawn per epoch: its batches would retrace the transfer curve's x range.
      if (this.scratchShown) series.push(...seriesOf(c.scratch, metric).slice(1));
      chart.setData(series, marker);
      chart.element.dataset.points = String(chart.points);
    }
    this.pointCounter.dataset.count = String(c.batchPoints);
    this.pointCounter.textContent = t('{0} batch points', c.batchPoints.toLocaleString('en-US'));
    this.drawStats();
  }

  private drawStats(): void {
    const s = this.curves.stats;
    const parts: (Node | string)[] = [];
    if (s.stage && this.active) {
      const progress = s.stageTotal ? ` ${s.stageDone ?? 0}/${s.stageTotal}` : '';
      parts.push(h('span', { 'data-testid': 'stat-stage' }, `${stageNames()[s.stage] ?? s.stage}${progress}`));
    }
    if (s.epoch !== undefined) {
      const epoch = epochLabel(s.model ?? 'transfer', s.phase ?? 1, s.epoch, s.epochs ?? NaN, s.untilPlateau);
      parts.push(
        h('span', { 'data-testid': 'stat-epoch' }, t('{0}, batch {1}/{2}', epoch, s.batch ?? '', s.batches ?? '')),
      );
      parts.push(
        h('span', { 'data-testid': 'stat-images-per-sec' }, t('{0} images/s', formatNumber(s.imagesPerSec ?? NaN, 1))),
      );
      if (this.active)
        parts.push(h('span', { 'data-testid': 'stat-eta' }, t('ETA {0}', formatDuration(s.etaSeconds ?? NaN))));
    }
    if (parts.length === 0) parts.push(t('No training yet: the charts fill as batches finish.'));
    replaceChildren(this.statsLine, ...parts.flatMap((p, i) => (i === 0 ? [p] : [' · ', p])));
  }
}
