// A clickable thumbnail: shows the host-made data: image and asks the host to open the original.
import type { Thumbnail, WebviewMessage } from '../src/shared/panelProtocol';
import { h, isImageDataUri } from './dom';

export function thumbnailButton(
  t: Thumbnail,
  caption: string | undefined,
  post: (m: WebviewMessage) => void,
): HTMLElement {
  const name = t.path.split(/[\\/]/).pop() ?? t.path;
  const button = h('button', {
    class: 'thumbnail',
    type: 'button',
    title: `${t.path}\nClick to open`,
    'data-testid': 'thumbnail',
    'data-path': t.path,
  });
  if (isImageDataUri(t.src)) {
    const img = h('img', { alt: name, draggable: 'false' });
    img.src = t.src;
    button.append(img);
  } else {
    button.append(
      h('span', { class: 'thumbnail-missing', title: t.error ?? '' }, t.error ? 'unreadable' : 'no preview'),
    );
  }
  if (caption) button.append(h('span', { class: 'thumbnail-caption' }, caption));
  button.addEventListener('click', () => post({ type: 'openImage', path: t.path }));
  return button;
}
