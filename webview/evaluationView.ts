// A finished run: accuracy, confusion-matrix heatmap, per-class precision/recall/F1, the misclassified
// images (click to open), and the transfer and scratch learning curves on one chart when both exist.
import { EXPORT_FORMATS, EXPORT_FORMAT_TITLES } from '../src/shared/exportTypes';
import type { EvaluationView as View, WebviewMessage } from '../src/shared/panelProtocol';
import { curvesOfHistory } from './chartData';
import { LineChart } from './charts';
import { h, replaceChildren } from './dom';
import { t } from './l10n';
import { formatNumber, formatPercent } from './format';
import { qualityTable } from './qualityTable';
import { textReportSection } from './textReport';
import { thumbnailButton } from './thumbnails';

export class EvaluationView {
  readonly element = h('section', { class: 'evaluation', 'data-testid': 'evaluation' });
  private readonly comparison = new LineChart(
    t('Transfer vs scratch'),
    t('accuracy'),
    [
      { label: t('transfer validation'), color: 'orange', points: true },
      { label: t('scratch validation'), color: 'green', points: true, dashed: true },
      { label: t('transfer train'), color: 'blue', points: true },
      { label: t('scratch train'), color: 'purple', points: true, dashed: true },
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
          t('No evaluation yet: it appears when a training finishes.'),
        ),
      );
      return;
    }
    const e = v.evaluation;
    const headline = h('p', { class: 'headline', 'data-testid': 'evaluation-accuracy' }, headlineText(v));
    replaceChildren(
      this.element,
      headline,
      v.text ? null : this.exportButtons(),
      h(
        'div',
        { class: 'evaluation-grid' },
        h('div', {}, h('h3', {}, t('Confusion matrix')), this.confusion(e.classes, e.confusion)),
        h('div', {}, h('h3', {}, t('Per class')), this.perClass(v)),
      ),
      qualityTable(v.quality),
      v.text ? textReportSection(v.text, this.post) : this.misclassified(v),
      v.scratchHistory ? this.comparison.element : null,
    );
    if (v.scratchHistory) {
      const tr = curvesOfHistory(v.transferHistory);
      const s = curvesOfHistory(v.scratchHistory);
      const phase2 = tr.phaseStart[2];
      this.comparison.setData(
        [tr.valAccuracy, s.valAccuracy, tr.accuracy, s.accuracy],
        phase2 === undefined ? undefined : { x: phase2, label: t('phase 2') },
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
          t('Export {0}…', labels[format]),
        );
        button.addEventListener('click', () => this.post({ type: 'exportRun', format }));
        return button;
      }),
    );
  }

  private confusion(classes: string[], matrix: number[][]): HTMLElement {
    const corner = h('th', { class: 'corner', scope: 'col' }, t('actual ↓ predicted →'));
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
              title:
                n === 1
                  ? t('1 "{0}" image predicted as "{1}"', actual, predicted)
                  : t('{0} "{1}" images predicted as "{2}"', n, actual, predicted),
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
        h(
          'tr',
          {},
          ...[t('Class'), t('Precision'), t('Recall'), t('F1'), t('Support')].map((label) =>
            h('th', { scope: 'col' }, label),
          ),
        ),
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
    const items = v.misclassified.map((thumbnail) => {
      const m = details.get(thumbnail.path);
      return thumbnailButton(
        thumbnail,
        m ? `${m.actual} → ${m.predicted} (${formatPercent(m.confidence)})` : undefined,
        this.post,
      );
    });
    return h(
      'div',
      { class: 'misclassified', 'data-testid': 'misclassified' },
      h('h3', {}, t('Misclassified ({0})', v.evaluation.misclassified.length)),
      items.length
        ? h('div', { class: 'thumbnails wide' }, ...items)
        : h('p', { class: 'hint' }, t('None: every image was classified correctly.')),
    );
  }
}

/** "Accuracy 95.0 % on 40 test images" (· from scratch), one whole sentence per case for translators. */
function headlineText(v: View): string {
  const e = v.evaluation;
  const accuracy = formatPercent(e.accuracy);
  if (v.text)
    return v.evaluatedOn === 'test'
      ? t('Accuracy {0} on {1} test texts', accuracy, e.count)
      : t('Accuracy {0} on {1} validation texts', accuracy, e.count);
  if (v.scratchAccuracy === undefined)
    return v.evaluatedOn === 'test'
      ? t('Accuracy {0} on {1} test images', accuracy, e.count)
      : t('Accuracy {0} on {1} validation images', accuracy, e.count);
  const scratch = formatPercent(v.scratchAccuracy);
  return v.evaluatedOn === 'test'
    ? t('Accuracy {0} on {1} test images · from scratch: {2}', accuracy, e.count, scratch)
    : t('Accuracy {0} on {1} validation images · from scratch: {2}', accuracy, e.count, scratch);
}
