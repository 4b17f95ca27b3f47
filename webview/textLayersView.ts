// The Layers tab for a text run: the kept text model's layers (tokenizer, Embedding or encoder, pooling, head)
// with what each holds and whether it trains. The fine-tuned model's Embedding has a toggle: checked, the next
// text training fine-tunes it after the head; unchecked, it stays GloVe. The host owns the toggle's state.
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { TextReport, WebviewMessage } from '../src/shared/panelProtocol';
import { textLayers, type TextLayer } from '../src/shared/text/textLayers';
import { h, replaceChildren } from './dom';
import { formatCount } from './format';
import { t } from './l10n';
import { textModelWords } from './statusHeader';

export class TextLayersView {
  readonly element = h('section', { class: 'text-layers', 'data-testid': 'text-layers', hidden: true });

  constructor(private readonly post: (m: WebviewMessage) => void) {}

  /** Whether a text run's layers are shown. */
  get shown(): boolean {
    return !this.element.hidden;
  }

  show(text: TextReport | undefined): void {
    const facts = text?.layers;
    this.element.hidden = !facts;
    if (!text || !facts) return replaceChildren(this.element);
    const next = text.freezeEmbedding ?? false;
    const layers = textLayers(facts, next);
    const tunable = layers.some((l) => l.freezable);
    replaceChildren(
      this.element,
      h('h3', { 'data-testid': 'text-layers-title' }, t('Text model: {0}', textModelWords(text.kept))),
      h(
        'table',
        { class: 'text-layer-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, t('Trains')),
            h('th', {}, t('Layer')),
            h('th', {}, t('What it holds')),
            h('th', { class: 'num' }, t('Parameters')),
          ),
        ),
        h('tbody', {}, ...layers.map((l) => this.row(l))),
      ),
      tunable
        ? h(
            'p',
            { class: 'hint', 'data-testid': 'text-layers-hint' },
            facts.embeddingFrozen === next
              ? t('The toggle is for the next text training; this run trained its Embedding the same way.')
              : facts.embeddingFrozen
                ? t('The toggle is for the next text training; this run kept its Embedding as GloVe.')
                : t('The toggle is for the next text training; this run fine-tuned its Embedding.'),
          )
        : h('p', { class: 'hint' }, t('This model has nothing to freeze: only its head trains.')),
    );
  }

  private row(l: TextLayer): HTMLElement {
    let cell: HTMLElement;
    if (l.freezable) {
      const toggle = h('vscode-checkbox', {
        'data-testid': 'text-layer-toggle',
        'aria-label': t('Train {0}', l.name),
        title: t('Checked: the next text training fine-tunes this layer; unchecked: it stays as it is'),
      }) as VscodeCheckbox;
      toggle.checked = l.trainable;
      toggle.addEventListener('change', () => {
        const trains = toggle.checked;
        this.post({ type: 'setTextEmbeddingFrozen', frozen: !trains });
        // The host owns the choice: show its state until it echoes it.
        toggle.checked = !trains;
      });
      cell = toggle;
    } else {
      cell = h('span', { class: 'text-layer-fixed' }, l.trainable ? t('yes') : '–');
    }
    return h(
      'tr',
      { 'data-testid': 'text-layer', 'data-layer': l.name, 'data-trainable': String(l.trainable) },
      h('td', { class: 'toggle-cell' }, cell),
      h('td', { class: 'layer-name' }, l.name),
      h('td', { class: 'text-layer-detail' }, l.detail),
      h('td', { class: 'num' }, l.parameters ? formatCount(l.parameters) : ''),
    );
  }
}
