// How a finished run's model was chosen and what it was compared with: the automatic flow's trials (scored on
// validation, with why the kept one was kept) and the baselines without transfer (scored on the final split).
import type { QualityReport } from '../src/shared/engineTypes';
import { h } from './dom';
import { formatDuration, formatNumber, formatPercent } from './format';

export function qualityTable(q: QualityReport | undefined): HTMLElement | null {
  if (!q || (!q.trials?.length && !q.baselines?.length && !q.evaluationNote)) return null;
  const parts: (HTMLElement | null)[] = [h('h3', {}, 'How the model was chosen')];
  if (q.evaluationNote) parts.push(h('p', { class: 'hint', 'data-testid': 'evaluation-note' }, q.evaluationNote));
  if (q.trials?.length) {
    parts.push(
      h(
        'table',
        { class: 'per-class', 'data-testid': 'trials-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Trial', 'Outcome', 'Epochs', 'Val accuracy', 'Val loss', 'Time', 'Why'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          ...q.trials.map((t) =>
            h(
              'tr',
              { 'data-testid': 'trial-row', 'data-outcome': t.outcome, title: t.detail },
              h('th', { scope: 'row' }, t.name),
              h('td', {}, t.outcome),
              h('td', {}, String(t.epochs)),
              h('td', {}, t.valAccuracy === undefined ? '–' : formatPercent(t.valAccuracy)),
              h('td', {}, t.valLoss === undefined ? '–' : formatNumber(t.valLoss, 3)),
              h('td', {}, formatDuration(t.seconds)),
              h('td', {}, t.reason),
            ),
          ),
        ),
      ),
    );
  }
  if (q.baselines?.length) {
    parts.push(
      h(
        'table',
        { class: 'per-class', 'data-testid': 'baselines-table' },
        h(
          'thead',
          {},
          h('tr', {}, ...['Without transfer', 'Accuracy', 'Time'].map((t) => h('th', { scope: 'col' }, t))),
        ),
        h(
          'tbody',
          {},
          ...q.baselines.map((b) =>
            h(
              'tr',
              { 'data-testid': 'baseline-row' },
              h('th', { scope: 'row' }, b.name),
              h('td', {}, formatPercent(b.accuracy)),
              h('td', {}, formatDuration(b.trainSeconds)),
            ),
          ),
        ),
      ),
    );
  }
  if (q.verdict) parts.push(h('p', { class: 'headline', 'data-testid': 'baseline-verdict' }, q.verdict));
  return h('div', { class: 'quality', 'data-testid': 'quality' }, ...parts);
}
