// A text run's part of the Evaluation tab: the models it tried against the baselines, and the texts it got
// wrong as words with their scores (a text run has no thumbnails). A misclassified file opens on click.
import type { TextReport, WebviewMessage } from '../src/shared/panelProtocol';
import { h } from './dom';
import { formatPercent } from './format';
import { t } from './l10n';
import { textVerdict } from '../src/shared/text/textVerdict';

export function textReportSection(report: TextReport, post: (m: WebviewMessage) => void): HTMLElement {
  return h('div', { class: 'text-report' }, candidatesTable(report), misclassifiedTexts(report, post));
}

function candidatesTable(r: TextReport): HTMLElement {
  const rows = r.candidates.map((c) =>
    h(
      'tr',
      { 'data-testid': 'text-candidate', 'data-kept': c.name === r.kept },
      h('th', { scope: 'row' }, c.name === r.kept ? t('{0} (kept)', c.name) : c.name),
      h('td', {}, c.baseline ? t('baseline') : t('candidate')),
      h('td', {}, formatPercent(c.validationAccuracy)),
      h('td', {}, formatPercent(c.testAccuracy)),
    ),
  );
  const head = [t('Model'), t('Role'), t('Validation'), t('Held out')].map((l) => h('th', { scope: 'col' }, l));
  return h(
    'div',
    {},
    h('h3', {}, t('Models and baselines')),
    h('table', { class: 'per-class' }, h('thead', {}, h('tr', {}, ...head)), h('tbody', {}, ...rows)),
    h('p', { class: 'hint', 'data-testid': 'text-winner' }, verdictLine(r)),
  );
}

function verdictLine(r: TextReport): string {
  const v = textVerdict(r.kept, r.winner, r.candidates);
  if (v.outcome === 'beaten') return t('A baseline scored best: {0}.', v.by);
  return v.outcome === 'tied'
    ? t('The kept model tied with {0}.', v.with.join(', '))
    : t('The kept model scored best.');
}

function misclassifiedTexts(r: TextReport, post: (m: WebviewMessage) => void): HTMLElement {
  const items = r.misclassified.map((m) => {
    const item = h(
      'li',
      { class: 'misclassified-text', 'data-testid': 'misclassified-text', title: m.path },
      h('span', { class: 'text-verdict' }, `${m.actual} → ${m.predicted} (${formatPercent(m.confidence)})`),
      h('span', { class: 'text-snippet' }, m.snippet || m.path.split(/[\\/]/).pop() || m.path),
    );
    // Rows of a table (data.csv:12) are no file of their own.
    if (m.snippet) item.addEventListener('click', () => post({ type: 'openImage', path: m.path }));
    return item;
  });
  return h(
    'div',
    { class: 'misclassified', 'data-testid': 'misclassified' },
    h('h3', {}, t('Misclassified texts ({0})', r.misclassified.length)),
    items.length
      ? h('ul', { class: 'text-list' }, ...items)
      : h('p', { class: 'hint' }, t('None: every text was classified correctly.')),
  );
}
