// The dataset as the next training will see it: classes with counts and sample thumbnails, the split,
// the scanner's warnings (imbalance, tiny classes) and every skipped file with its reason.
import type { DatasetPreview as Preview, WebviewMessage } from '../src/shared/panelProtocol';
import { classCard } from './classCard';
import { h, replaceChildren } from './dom';
import { t } from './l10n';
import { textDatasetSection } from './textDatasetView';
import { thumbnailButton } from './thumbnails';

export class DatasetPreview {
  readonly element = h('section', { class: 'dataset-preview', 'data-testid': 'dataset-preview' });

  constructor(private readonly post: (m: WebviewMessage) => void) {
    this.show(undefined);
  }

  show(d: Preview | undefined): void {
    if (!d) {
      replaceChildren(
        this.element,
        h(
          'p',
          { class: 'hint', 'data-testid': 'dataset-empty' },
          t(
            'No dataset folder chosen. Pick a folder with one subfolder per class (Transfer Studio: Choose Dataset Folder).',
          ),
        ),
      );
      return;
    }
    if (d.text) return replaceChildren(this.element, ...textDatasetSection(d.text, this.post));
    const total = d.classes.reduce((n, c) => n + c.count, 0);
    const largest = Math.max(1, ...d.classes.map((c) => c.count));
    replaceChildren(
      this.element,
      h(
        'div',
        { class: 'dataset-summary' },
        h('span', { class: 'path', title: d.folder, 'data-testid': 'dataset-folder' }, d.folder),
        h(
          'span',
          { 'data-testid': 'dataset-split' },
          d.split.test > 0
            ? t(
                '{0} images in {1} classes · split: {2} train, {3} validation, {4} test',
                total,
                d.classes.length,
                d.split.train,
                d.split.validation,
                d.split.test,
              )
            : t(
                '{0} images in {1} classes · split: {2} train, {3} validation, no test (validation also scores the run)',
                total,
                d.classes.length,
                d.split.train,
                d.split.validation,
              ),
        ),
      ),
      d.warnings.length
        ? h(
            'ul',
            { class: 'warnings', 'data-testid': 'dataset-warnings' },
            ...d.warnings.map((w) => h('li', { 'data-testid': 'dataset-warning' }, w)),
          )
        : null,
      h(
        'div',
        { class: 'classes' },
        ...d.classes.map((c) =>
          classCard(
            c.name,
            { n: c.count, largest, label: c.count === 1 ? t('1 image') : t('{0} images', c.count) },
            h('div', { class: 'thumbnails' }, ...c.thumbnails.map((t) => thumbnailButton(t, undefined, this.post))),
          ),
        ),
      ),
      d.skipped.length
        ? h(
            'details',
            { class: 'skipped', 'data-testid': 'dataset-skipped' },
            h('summary', {}, d.skipped.length === 1 ? t('1 skipped file') : t('{0} skipped files', d.skipped.length)),
            h(
              'table',
              {},
              h('thead', {}, h('tr', {}, h('th', {}, t('File')), h('th', {}, t('Reason')))),
              h(
                'tbody',
                {},
                ...d.skipped.map((s) =>
                  h(
                    'tr',
                    { 'data-testid': 'skipped-file' },
                    h('td', { class: 'path', title: s.path }, s.path),
                    h('td', {}, s.reason),
                  ),
                ),
              ),
            ),
          )
        : null,
    );
  }
}
