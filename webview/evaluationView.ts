// A finished run: accuracy, confusion-matrix heatmap, per-class precision/recall/F1, the misclassified
// images (click to open), and the transfer and scratch learning curves on one chart when both exist.
import { EXPORT_FORMATS, EXPORT_FORMAT_TITLES } from '../src/shared/exportTypes';
import type { EvaluationView as View, WebviewMessage } from '../src/shared/panelProtocol';
import { curvesOfHistory } from './chartData';
import { LineChart } from './charts';
import { h, replaceChildren } from './dom';
import { formatNumber, formatPercent } from './format';
import { qualityTable } from './qualityTable';
import { thumbnailButton } from './thumbnails';

export class EvaluationView {
  readonly element = h('section', { class: 'evaluation', 'data-testid': 'evaluation' });
  private readonly comparison = new LineChart(
    'Transfer vs scratch',
    'accuracy',
    [
      { label: 'transfer validation', color: 'orange', points: true },
      { label: 'scratch validation', color: 'green', points: true, dashed: true },
      { label: 'transfer train', color: 'blue', points: true },
      { label: 'scratch train', color: 'purple', points: true, dashed: true },
    ],
    'chart-comparison',
  );

  constructor(private readonly post: (m: WebviewMessage) => void) {
    this.show(undefined);
  }

  restyle(): void {
    this.comparison.rebuild();
  }

  show(v: View | undefined): void {
    if (!v) {
      replaceChildren(
        this.element,
        h(
          'p',
          { class: 'hint', 'data-testid': 'evaluation-empty' },
          'No evaluation yet: it appears when a training finishes.',
        ),
      );
      return;
    }
    const e = v.evaluation;
    const headline = h(
      'p',
      { class: 'headline', 'data-testid': 'evaluation-accuracy' },
      `Accuracy ${formatPercent(e.accuracy)} on ${e.count} ${v.evaluatedOn} images`,
      v.scratchAccuracy !== undefined ? ` · from scratch: ${formatPercent(v.scratchAccuracy)}` : '',
    );
    replaceChildren(
      this.element,
      headline,
      this.exportButtons(),
      h(
        'div',
        { class: 'evaluation-grid' },
        h('div', {}, h('h3', {}, 'Confusion matrix'), this.confusion(e.classes, e.confusion)),
        h('div', {}, h('h3', {}, 'Per class'), this.perClass(v)),
      ),
      qualityTable(v.quality),
      this.misclassified(v),
      v.scratchHistory ? this.comparison.element : null,
    );
    if (v.scratchHistory) {
      const t = curvesOfHistory(v.transferHistory);
      const s = curvesOfHistory(v.scratchHistory);
      const phase2 = t.phaseStart[2];
      this.comparison.setData(
        [t.valAccuracy, s.valAccuracy, t.accuracy, s.accuracy],
        phase2 === undefined ? undefined : { x: phase2, label: 'phase 2' },
      );
    }
  }

  /** Export… per format; the host exports the run shown here and asks where to write. */
  private exportButtons(): HTMLElement {
    const labels = { onnx: 'ONNX', keras: 'Keras', tfjs: 'TF.js' } as const;
    return h(
      'div',
      { class: 'buttons export', 'data-testid': 'export-buttons' },
      ...EXPORT_FORMATS.map((format) => {
        const button = h(
          'vscode-button',
          { secondary: true, title: EXPORT_FORMAT_TITLES[format], 'data-testid': `export-${format}` },
          `Export ${labels[format]}…`,
        );
        button.addEventListener('click', () => this.post({ type: 'exportRun', format }));
        return button;
      }),
    );
  }

  private confusion(classes: string[], matrix: number[][]): HTMLElement {
    const corner = h('th', { class: 'corner', scope: 'col' }, 'actual ↓ predicted →');
    const head = h('tr', {}, corner, ...classes.map((c) => h('th', { scope: 'col', title: c, class: 'col-head' }, c)));
    const rows = classes.map((actual, i) => {
      const row = matrix[i] ?? [];
      const total = row.reduce((a, b) => a + b, 0);
      return h(
        'tr',
        {},
        h('th', { scope: 'row', title: actual }, actual),
        ...classes.map((predicted, j) => {
          const n = row[j] ?? 0;
          const cell = h(
            'td',
            {
              class: `heat ${i === j ? 'hit' : 'miss'}`,
              'data-testid': 'confusion-cell',
              'data-actual': actual,
              'data-predicted': predicted,
              'data-count': n,
              title: `${n} "${actual}" image${n === 1 ? '' : 's'} predicted as "${predicted}"`,
            },
            String(n),
          );
          // Share of the actual class (the row): the diagonal reads as recall.
          cell.style.setProperty('--heat', total > 0 ? (n / total).toFixed(3) : '0');
          return cell;
        }),
      );
    });
    return h(
      'table',
      { class: 'confusion', 'data-testid': 'confusion-matrix' },
      h('thead', {}, head),
      h('tbody', {}, ...rows),
    );
  }

  private perClass(v: View): HTMLElement {
    return h(
      'table',
      { class: 'per-class', 'data-testid': 'per-class-table' },
      h(
        'thead',
        {},
        h('tr', {}, ...['Class', 'Precision', 'Recall', 'F1', 'Support'].map((t) => h('th', { scope: 'col' }, t))),
      ),
      h(
        'tbody',
        {},
        ...v.evaluation.perClass.map((c) =>
          h(
            'tr',
            { 'data-testid': 'per-class-row', 'data-class': c.name },
            h('th', { scope: 'row', title: c.name }, c.name),
            h('td', {}, formatNumber(c.precision, 2)),
            h('td', {}, formatNumber(c.recall, 2)),
            h('td', {}, formatNumber(c.f1, 2)),
            h('td', {}, String(c.support)),
          ),
        ),
      ),
    );
  }

  private misclassified(v: View): HTMLElement {
    const details = new Map(v.evaluation.misclassified.map((m) => [m.path, m]));
    const items = v.misclassified.map((t) => {
      const m = details.get(t.path);
      return thumbnailButton(
        t,
        m ? `${m.actual} → ${m.predicted} (${formatPercent(m.confidence)})` : undefined,
        this.post,
      );
    });
    return h(
      'div',
      { class: 'misclassified', 'data-testid': 'misclassified' },
      h('h3', {}, `Misclassified (${v.evaluation.misclassified.length})`),
      items.length
        ? h('div', { class: 'thumbnails wide' }, ...items)
        : h('p', { class: 'hint' }, 'None: every image was classified correctly.'),
    );
  }
}
