// One layer's row in the layer tree: its trainable toggle, name, class, output shape, parameters, badges and the
// freeze actions. The tree (layerTree.ts) fills in the state; the row only carries the elements.
import type { LayerInfo } from '../src/shared/engineTypes';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { h } from './dom';
import { formatCount, formatShape } from './format';
import { t } from './l10n';

export interface Row {
  layer: LayerInfo;
  row: HTMLElement;
  toggle?: VscodeCheckbox;
  state: HTMLElement;
  cutBadge: HTMLElement;
}

// A function: the words are looked up (webview/l10n.ts) when rows are built, not when the module loads.
const actions = () =>
  [
    {
      action: 'freeze-up-to',
      label: t('Freeze up to here'),
      title: t('Freeze every layer up to and including this one; the later ones up to the cut train'),
    },
    {
      action: 'unfreeze-from',
      label: t('Unfreeze from here'),
      title: t('Train this layer and every later one up to the cut'),
    },
    {
      action: 'set-feature-layer',
      label: t('Use as feature layer'),
      title: t('Cut the base here: the new head sits on this output'),
    },
  ] as const;

export function layerRow(layer: LayerInfo): Row {
  const toggle = layer.hasWeights
    ? h('vscode-checkbox', {
        'data-testid': 'layer-toggle',
        'aria-label': t('Train {0}', layer.name),
        title: t('Checked: this layer trains'),
      })
    : undefined;
  const state = h('span', { class: 'layer-state', 'data-testid': 'layer-state' });
  const cutBadge = h(
    'span',
    {
      class: 'badge cut',
      title: t('Feature layer: the new head sits on this output'),
      hidden: true,
      'data-testid': 'cut-badge',
    },
    t('cut'),
  );
  const params = layer.trainableParams + layer.nonTrainableParams;
  const row = h(
    'div',
    { class: 'layer-row', 'data-testid': 'layer-row', 'data-layer': layer.name, 'data-index': layer.index },
    h(
      'span',
      { class: 'toggle-cell' },
      toggle ?? h('span', { class: 'no-weights', title: t('No weights: nothing to freeze') }, '–'),
    ),
    h('span', { class: 'layer-name', title: layer.name }, layer.name),
    h('span', { class: 'layer-class' }, layer.className),
    h('span', { class: 'layer-shape' }, formatShape(layer.outputShape)),
    h(
      'span',
      {
        class: 'layer-params',
        title: t('{0} trainable, {1} non-trainable', layer.trainableParams, layer.nonTrainableParams),
      },
      params ? formatCount(params) : '',
    ),
    h(
      'span',
      { class: 'layer-badges' },
      layer.isBatchNorm
        ? h(
            'span',
            {
              class: 'badge bn',
              title: t('BatchNorm: stays in inference mode while frozen'),
              'data-testid': 'bn-badge',
            },
            'BN',
          )
        : null,
      cutBadge,
      state,
    ),
    h(
      'span',
      { class: 'layer-actions' },
      ...actions().map((a) =>
        h(
          'button',
          { class: 'link-button', type: 'button', 'data-action': a.action, 'data-testid': a.action, title: a.title },
          a.label,
        ),
      ),
    ),
  );
  return { layer, row, toggle, state, cutBadge };
}
