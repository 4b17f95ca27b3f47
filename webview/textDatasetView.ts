// The Dataset tab for text data: per class its count, a length distribution (words per text) and a few
// snippets (click to open the file); then the duplicates dropped before the split and every other skipped
// file or row with its reason. Words, not thumbnails.
import type { WebviewMessage } from '../src/shared/panelProtocol';
import { LENGTH_BUCKETS, type TextClassView, type TextDatasetView } from '../src/shared/text/textDatasetView';
import type { SkippedText } from '../src/shared/text/textExamples';
import { classCard } from './classCard';
import { h } from './dom';
import { t } from './l10n';

/** Bucket labels: "≤10", "11–25", …, ">250" words. */
const BUCKET_LABELS = LENGTH_BUCKETS.map((b, i) => (i === 0 ? `≤${b}` : `${LENGTH_BUCKETS[i - 1] + 1}–${b}`)).concat(
  `>${LENGTH_BUCKETS.at(-1)}`,
);

export function textDatasetSection(d: TextDatasetView, post: (m: WebviewMessage) => void): (HTMLElement | null)[] {
  const total = d.classes.reduce((n, c) => n + c.count, 0);
  const summary = h(
    'div',
    { class: 'dataset-summary' },
    h('span', { class: 'path', title: d.source, 'data-testid': 'dataset-folder' }, d.source),
    h(
      'span',
      { 'data-testid': 'dataset-split' },
      t(
        '{0} texts in {1} classes · split: {2} train, {3} validation, {4} test',
        total,
        d.classes.length,
        d.split.train,
        d.split.validation,
        d.split.test,
      ),
    ),
  );
  const largest = Math.max(1, ...d.classes.map((c) => c.count));
  return [
    summary,
    h('div', { class: 'classes' }, ...d.classes.map((c) => textClassCard(c, largest, post))),
    skippedList(d, d.duplicates, d.duplicateCount, 'dataset-duplicates', (n) =>
      n === 1 ? t('1 duplicate dropped') : t('{0} duplicates dropped', n),
    ),
    skippedList(d, d.skipped, d.skippedCount, 'dataset-skipped', (n) =>
      n === 1 ? t('1 skipped file or row') : t('{0} skipped files or rows', n),
    ),
  ];
}

function textClassCard(c: TextClassView, largest: number, post: (m: WebviewMessage) => void): HTMLElement {
  const most = Math.max(1, ...c.lengths);
  const lengths = h(
    'div',
    { class: 'length-bars', 'data-testid': 'length-distribution', title: t('Words per text') },
    ...c.lengths.map((n, i) => {
      const fill = h('span', { class: 'length-bar-fill' });
      fill.style.height = `${((n / most) * 100).toFixed(1)}%`;
      return h(
        'span',
        { class: 'length-bar', title: t('{0} texts of {1} words', n, BUCKET_LABELS[i]) },
        fill,
        h('span', { class: 'length-label' }, BUCKET_LABELS[i]),
      );
    }),
  );
  const snippets = c.snippets.map((s) => {
    const item = h('li', { class: 'text-snippet', 'data-testid': 'text-snippet', title: s.path }, s.text);
    if (!/:\d+$/.test(s.path)) item.addEventListener('click', () => post({ type: 'openImage', path: s.path }));
    return item;
  });
  const label = c.count === 1 ? t('1 text') : t('{0} texts · median {1} words', c.count, c.medianWords);
  const list = h('ul', { class: 'text-list' }, ...snippets);
  return classCard(c.name, { n: c.count, largest, label }, droppedLine(c), lengths, list);
}

/** What the class lost before the split; nothing when it lost nothing. */
function droppedLine(c: TextClassView): HTMLElement | null {
  const parts = [
    c.duplicates === 1 ? t('1 duplicate dropped') : c.duplicates ? t('{0} duplicates dropped', c.duplicates) : '',
    c.skipped === 1 ? t('1 file skipped') : c.skipped ? t('{0} files skipped', c.skipped) : '',
  ].filter(Boolean);
  return parts.length ? h('span', { class: 'class-dropped', 'data-testid': 'class-dropped' }, parts.join(' · ')) : null;
}

/** A path (or a reason naming one) inside the dataset's folder, said relative to it. */
function inDataset(d: TextDatasetView, s: string): string {
  const root = d.source.replace(/[\\/]+$/, '');
  return s.split(`${root}/`).join('').split(`${root}\\`).join('');
}

function skippedList(
  d: TextDatasetView,
  list: SkippedText[],
  count: number,
  testId: string,
  title: (n: number) => string,
): HTMLElement | null {
  if (count === 0) return null;
  return h(
    'details',
    { class: 'skipped', 'data-testid': testId },
    h('summary', {}, title(count)),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, t('File')), h('th', {}, t('Class')), h('th', {}, t('Reason')))),
      h(
        'tbody',
        {},
        ...list.map((s) =>
          h(
            'tr',
            { 'data-testid': 'skipped-file' },
            h('td', { class: 'path', title: s.path }, inDataset(d, s.path)),
            h('td', { class: 'class-name' }, s.label ?? ''),
            h('td', {}, inDataset(d, s.reason)),
          ),
        ),
      ),
    ),
  );
}
