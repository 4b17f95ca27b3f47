// The base's layers grouped by block, each with a trainable toggle and the freeze actions. The tree shows the
// host's choices and posts requests; it never changes the choices itself (the host echoes them back).
import type { BaseDescription } from '../src/shared/engineTypes';
import { keptLayers, parameterTotals } from '../src/shared/freezePlan';
import type { StudioChoices, WebviewMessage } from '../src/shared/panelProtocol';
import { h, replaceChildren } from './dom';
import { formatCount } from './format';
import { layerRow, type Row } from './layerRow';
import { t } from './l10n';

interface Group {
  block: string;
  rows: Row[];
  details: HTMLDetailsElement;
  name: HTMLElement;
  state: HTMLElement;
}

export class LayerTree {
  readonly element: HTMLElement;
  private readonly totals = h('div', { class: 'totals', 'data-testid': 'layer-totals' });
  private readonly body = h('div', {
    class: 'layer-groups',
    role: 'region',
    'aria-label': t('Layers of the base model'),
  });
  private rows = new Map<string, Row>();
  private groups: Group[] = [];
  private baseKey = '';
  private base?: BaseDescription;

  constructor(private readonly post: (m: WebviewMessage) => void) {
    const expand = h(
      'button',
      { class: 'link-button', type: 'button', 'data-testid': 'layers-expand-all' },
      t('Expand all'),
    );
    const collapse = h(
      'button',
      { class: 'link-button', type: 'button', 'data-testid': 'layers-collapse-all' },
      t('Collapse all'),
    );
    expand.addEventListener('click', () => this.groups.forEach((g) => (g.details.open = true)));
    collapse.addEventListener('click', () => this.groups.forEach((g) => (g.details.open = false)));
    this.element = h(
      'section',
      { class: 'layer-tree', 'data-testid': 'layer-tree' },
      h('div', { class: 'layer-toolbar' }, this.totals, h('span', { class: 'spacer' }), expand, collapse),
      this.body,
    );
    this.body.addEventListener('change', (e) => this.onToggle(e));
    this.body.addEventListener('click', (e) => this.onAction(e));
  }

  /** Draws the base (rebuilding rows only when the base changed) and the current choices. */
  show(base: BaseDescription | undefined, baseError: string | undefined, choices: StudioChoices): void {
    if (!base) {
      this.base = undefined;
      this.baseKey = '';
      this.rows.clear();
      this.groups = [];
      replaceChildren(this.totals);
      replaceChildren(
        this.body,
        h(
          'p',
          { class: baseError ? 'error' : 'hint', 'data-testid': 'layers-message' },
          baseError ? t('The base could not be loaded: {0}', baseError) : t('No base model loaded yet.'),
        ),
      );
      return;
    }
    const key = `${base.spec}\n${base.layers.length}\n${base.layers.map((l) => l.name).join(',')}`;
    if (key !== this.baseKey) this.build(base, key);
    this.update(choices);
  }

  private build(base: BaseDescription, key: string): void {
    this.base = base;
    this.baseKey = key;
    this.rows.clear();
    this.groups = [];
    const fragment = document.createDocumentFragment();
    for (const layer of base.layers) {
      let group = this.groups.at(-1);
      if (!group || group.block !== layer.block) {
        group = this.group(layer.block);
        this.groups.push(group);
        fragment.appendChild(group.details);
      }
      const row = layerRow(layer);
      group.rows.push(row);
      // Layers outside any block (the stem, the top) are named by the range they span.
      if (!group.block)
        group.name.textContent = group.rows.length === 1 ? layer.name : `${group.rows[0].layer.name} … ${layer.name}`;
      this.rows.set(layer.name, row);
      group.details.appendChild(row.row);
    }
    replaceChildren(this.body, fragment);
  }

  private group(block: string): Group {
    const state = h('span', { class: 'group-state' });
    const name = h('span', { class: 'group-name' }, block);
    const details = h(
      'details',
      { class: 'layer-group', open: true, 'data-testid': 'layer-group', 'data-block': block },
      h('summary', {}, name, state),
    );
    return { block, rows: [], details, name, state };
  }

  private update(choices: StudioChoices): void {
    if (!this.base) return;
    const layers = this.base.layers;
    const frozen = new Set(choices.frozen);
    const kept = new Set(keptLayers(layers, choices.featureLayer).map((l) => l.name));
    for (const r of this.rows.values()) {
      const isKept = kept.has(r.layer.name);
      const trainable = isKept && r.layer.hasWeights && !frozen.has(r.layer.name);
      const state = !isKept ? 'dropped' : !r.layer.hasWeights ? 'no-weights' : trainable ? 'trainable' : 'frozen';
      r.row.dataset.state = state;
      r.state.textContent =
        state === 'dropped'
          ? t('after the cut')
          : state === 'trainable'
            ? t('trains')
            : state === 'frozen'
              ? t('frozen')
              : '';
      if (r.toggle) {
        r.toggle.checked = trainable;
        r.toggle.disabled = !isKept;
      }
      const isCut = r.layer.name === choices.featureLayer;
      r.cutBadge.hidden = !isCut;
      r.row.classList.toggle('is-cut', isCut);
      for (const b of r.row.querySelectorAll<HTMLButtonElement>(
        'button[data-action="freeze-up-to"], button[data-action="unfreeze-from"]',
      ))
        b.disabled = !isKept;
    }
    for (const g of this.groups) {
      const weighted = g.rows.filter((r) => r.layer.hasWeights && kept.has(r.layer.name));
      const training = weighted.filter((r) => !frozen.has(r.layer.name)).length;
      g.state.textContent =
        weighted.length === 0
          ? g.rows.some((r) => kept.has(r.layer.name))
            ? ''
            : t('after the cut')
          : training === 0
            ? t('frozen')
            : training === weighted.length
              ? t('trains')
              : t('{0} of {1} train', training, weighted.length);
      g.details.dataset.state = weighted.length > 0 && training > 0 ? 'trainable' : 'frozen';
    }
    const p = parameterTotals(layers, choices.featureLayer, choices.frozen);
    const share = p.trainable + p.frozen > 0 ? p.trainable / (p.trainable + p.frozen) : 0;
    const bar = h('span', { class: 'totals-bar-fill' });
    bar.style.width = `${(share * 100).toFixed(1)}%`;
    replaceChildren(
      this.totals,
      h(
        'span',
        {},
        t('Trainable'),
        ' ',
        h('strong', { 'data-testid': 'totals-trainable', 'data-value': p.trainable }, formatCount(p.trainable)),
      ),
      h('span', { class: 'totals-bar', title: t('{0} % of the kept base trains', (share * 100).toFixed(1)) }, bar),
      h(
        'span',
        {},
        t('Frozen'),
        ' ',
        h('strong', { 'data-testid': 'totals-frozen', 'data-value': p.frozen }, formatCount(p.frozen)),
      ),
      h('span', { class: 'hint' }, t('cut at {0}', choices.featureLayer)),
    );
  }

  private rowOf(e: Event): Row | undefined {
    const name = (e.target as Element | null)?.closest<HTMLElement>('.layer-row')?.dataset.layer;
    return name === undefined ? undefined : this.rows.get(name);
  }

  private onToggle(e: Event): void {
    const row = this.rowOf(e);
    if (!row?.toggle || e.target !== row.toggle) return;
    const trainable = row.toggle.checked;
    this.post({ type: 'setTrainable', layer: row.layer.name, trainable });
    // The host owns the choices: show its state until it echoes (it may refuse, e.g. a layer after the cut).
    row.toggle.checked = !trainable;
  }

  private onAction(e: Event): void {
    const button = (e.target as Element | null)?.closest<HTMLButtonElement>('button[data-action]');
    const row = this.rowOf(e);
    if (!button || !row || button.disabled) return;
    const layer = row.layer.name;
    switch (button.dataset.action) {
      case 'freeze-up-to':
        this.post({ type: 'freezeUpTo', layer });
        break;
      case 'unfreeze-from':
        this.post({ type: 'unfreezeFrom', layer });
        break;
      case 'set-feature-layer':
        this.post({ type: 'setFeatureLayer', layer });
        break;
    }
  }
}
