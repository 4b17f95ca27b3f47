// How a finished run's model was chosen and what it was compared with: the automatic flow's trials (scored on
// validation, with why the kept one was kept) and the baselines without transfer (scored on the final split).
import type { QualityReport } from '../src/shared/evaluationTypes';
import { h } from './dom';
import { formatDuration, formatNumber, formatPercent } from './format';
import { t } from './l10n';

export function qualityTable(q: QualityReport | undefined): HTMLElement | null {
  if (!q || (!q.trials?.length && !q.baselines?.length && !q.evaluationNote)) return null;
  const parts: (HTMLElement | null)[] = [h('h3', {}, t('How the model was chosen'))];
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
            ...[
              t('Trial'),
              t('Outcome'),
              t('Epochs'),
              t('Val accuracy'),
              t('Val loss'),
              t('Time'),
              t('Budget left'),
              t('Why'),
            ].map((label) => h('th', { scope: 'col' }, label)),
          ),
        ),
        h(
          'tbody',
          {},
          ...q.trials.map((trial) =>
            h(
              'tr',
              { 'data-testid': 'trial-row', 'data-outcome': trial.outcome, title: trial.detail },
              h('th', { scope: 'row' }, trial.name),
              h('td', {}, trial.outcome),
              h('td', {}, String(trial.epochs)),
              h('td', {}, trial.valAccuracy === undefined ? '–' : formatPercent(trial.valAccuracy)),
              h('td', {}, trial.valLoss === undefined ? '–' : formatNumber(trial.valLoss, 3)),
              h('td', {}, formatDuration(trial.seconds)),
              h('td', {}, trial.budgetLeft === undefined ? '–' : formatDuration(trial.budgetLeft)),
              h('td', {}, trial.reason),
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
          h(
            'tr',
            {},
            ...[t('Without transfer'), t('Accuracy'), t('Time')].map((label) => h('th', { scope: 'col' }, label)),
          ),
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
