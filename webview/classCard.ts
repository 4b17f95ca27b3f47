// One class of a dataset as the Dataset tab shows it, for images and for text: the name, its count, a bar of
// that count against the largest class, then what the kind of data shows of its examples.
import { h } from './dom';

export function classCard(
  name: string,
  count: { n: number; largest: number; label: string },
  ...body: (Node | null)[]
): HTMLElement {
  const bar = h('span', { class: 'count-bar-fill' });
  bar.style.width = `${((count.n / count.largest) * 100).toFixed(1)}%`;
  return h(
    'div',
    { class: 'class-card', 'data-testid': 'dataset-class', 'data-class': name },
    h(
      'div',
      { class: 'class-head' },
      h('span', { class: 'class-name', 'data-testid': 'class-name', title: name }, name),
      h('span', { class: 'class-count', 'data-testid': 'class-count' }, count.label),
    ),
    h('span', { class: 'count-bar' }, bar),
    ...body,
  );
}
