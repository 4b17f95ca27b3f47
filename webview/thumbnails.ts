// A clickable thumbnail: shows the host-made data: image and asks the host to open the original.
import type { Thumbnail, WebviewMessage } from '../src/shared/panelProtocol';
import { h, isImageDataUri } from './dom';
import { t } from './l10n';

export function thumbnailButton(
  thumb: Thumbnail,
  caption: string | undefined,
  post: (m: WebviewMessage) => void,
): HTMLElement {
  const name = thumb.path.split(/[\\/]/).pop() ?? thumb.path;
  const button = h('button', {
    class: 'thumbnail',
    type: 'button',
    title: `${thumb.path}\n${t('Click to open')}`,
    'data-testid': 'thumbnail',
    'data-path': thumb.path,
  });
  if (isImageDataUri(thumb.src)) {
    const img = h('img', { alt: name, draggable: 'false' });
    img.src = thumb.src;
    button.append(img);
  } else {
    button.append(
      h(
        'span',
        { class: 'thumbnail-missing', title: thumb.error ?? '' },
        thumb.error ? t('unreadable') : t('no preview'),
      ),
    );
  }
  if (caption) button.append(h('span', { class: 'thumbnail-caption' }, caption));
  button.addEventListener('click', () => post({ type: 'openImage', path: thumb.path }));
  return button;
}
