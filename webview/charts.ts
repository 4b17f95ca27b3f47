// Line charts on uPlot (canvas: fast for thousands of points, and CSP-safe). Colors come from the
// --vscode-charts-* variables; a theme change rebuilds the chart with the same data.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { alignSeries, type Series } from './chartData';
import { h } from './dom';
import { t } from './l10n';
import { cssVar } from './theme';

/** One line of a chart. `color` names a --vscode-charts-* variable. */
export interface SeriesSpec {
  label: string;
  color: 'blue' | 'orange' | 'purple' | 'green' | 'red' | 'yellow';
  /** Dashed line (the scratch twin). */
  dashed?: boolean;
  /** Draw a dot per point (per-epoch values); per-batch lines have none. */
  points?: boolean;
  /** Thin, translucent line (the smoothed per-batch curve). */
  faint?: boolean;
}

const FALLBACK_COLORS: Record<SeriesSpec['color'], string> = {
  blue: '#3794ff',
  orange: '#d18616',
  purple: '#b180d7',
  green: '#89d185',
  red: '#f14c4c',
  yellow: '#cca700',
};

/** Above this many points a series is drawn as a line only (hundreds of dots are unreadable and slow). */
const MAX_DOTS = 80;

export interface Marker {
  x: number;
  label: string;
}

export class LineChart {
  readonly element: HTMLElement;
  private readonly plotHost = h('div', { class: 'chart-plot' });
  private plot?: uPlot;
  private data: uPlot.AlignedData = [[]];
  private marker?: Marker;
  private width = 0;
  /** Points per series (without gaps): dots are drawn only while they stay few enough to read. */
  private counts: number[] = [];

  constructor(
    readonly title: string,
    private readonly yLabel: string,
    private specs: SeriesSpec[],
    testId: string,
    private readonly height = 200,
  ) {
    this.element = h('figure', { class: 'chart', 'data-testid': testId }, h('figcaption', {}, title), this.plotHost);
    new ResizeObserver(() => this.resize()).observe(this.plotHost);
  }

  /** New data for every series, in the order of the specs. Cheap enough to call once a frame. */
  setData(series: readonly Series[], marker?: Marker): void {
    this.data = alignSeries(series) as uPlot.AlignedData;
    this.counts = series.map((s) => s.x.length);
    this.marker = marker;
    if (!this.plot) this.create();
    else this.plot.setData(this.data, true);
  }

  /** Replaces the series (e.g. when a scratch twin appears) and redraws. */
  setSpecs(specs: SeriesSpec[]): void {
    this.specs = specs;
    this.rebuild();
  }

  /** Reads the theme again: colors are baked into the canvas. */
  rebuild(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.create();
  }

  /** Number of x positions drawn (every series shares them). */
  get points(): number {
    return this.data[0].length;
  }

  private resize(): void {
    const width = Math.floor(this.plotHost.clientWidth);
    if (width === this.width || width === 0) return;
    this.width = width;
    if (this.plot) this.plot.setSize({ width, height: this.height });
    else this.create();
  }

  private create(): void {
    // A hidden tab has no width yet; the resize observer creates the chart once it is shown.
    if (this.width === 0) this.width = Math.floor(this.plotHost.clientWidth);
    if (this.width === 0) return;
    const foreground = cssVar('--vscode-foreground', '#cccccc');
    const grid = cssVar('--vscode-charts-lines', 'rgba(128, 128, 128, 0.35)');
    const font = `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    const axis = (label: string): uPlot.Axis => ({
      stroke: foreground,
      label,
      labelFont: font,
      font,
      size: 40,
      labelSize: 16,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
    });
    const opts: uPlot.Options = {
      width: this.width,
      height: this.height,
      scales: { x: { time: false } },
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      axes: [axis(t('epoch')), axis(this.yLabel)],
      series: [
        { label: t('epoch') },
        ...this.specs.map((s): uPlot.Series => {
          const color = cssVar(`--vscode-charts-${s.color}`, FALLBACK_COLORS[s.color]);
          return {
            label: s.label,
            stroke: color,
            width: s.faint ? 1 : 2,
            alpha: s.faint ? 0.7 : 1,
            dash: s.dashed ? [6, 4] : undefined,
            spanGaps: true,
            points: s.points
              ? { show: (_u, si) => (this.counts[si - 1] ?? 0) <= MAX_DOTS, size: 6, stroke: color, fill: color }
              : { show: false },
          };
        }),
      ],
      hooks: { draw: [(u) => this.drawMarker(u, foreground)] },
    };
    this.plot = new uPlot(opts, this.data, this.plotHost);
  }

  /** The start of the second phase: a dashed vertical line with its name. */
  private drawMarker(u: uPlot, color: string): void {
    if (!this.marker) return;
    const x = u.valToPos(this.marker.x, 'x', true);
    if (!Number.isFinite(x) || x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.globalAlpha = 0.8;
    ctx.setLineDash([3, 3]);
    ctx.lineWidth = devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.font = `${11 * devicePixelRatio}px sans-serif`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(this.marker.label, x + 4 * devicePixelRatio, u.bbox.top + 2 * devicePixelRatio);
    ctx.restore();
  }
}
