// The Layers view: the chosen base's layers grouped by block, a checkbox per layer with weights
// (checked = trainable). It reads and writes the StudioState, so the panel and the recipe follow.
import * as vscode from 'vscode';
import type { LayerInfo } from '../../shared/engineTypes';
import { parameterTotals } from '../../shared/freezePlan';
import { Disposable } from '../dispose';
import type { StudioState } from '../studioState';
import { GRAPH_BASE_NOTE, GRAPH_LAYER_CLASS } from '../../shared/graphBase';

type Node = { kind: 'group'; block: string; layers: LayerInfo[] } | { kind: 'layer'; layer: LayerInfo };

export class LayersView extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  readonly view: vscode.TreeView<Node>;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly studio: StudioState) {
    super();
    this.view = this._register(
      vscode.window.createTreeView('transferStudio.layers', {
        treeDataProvider: this,
        manageCheckboxStateManually: true,
        showCollapseAll: true,
      }),
    );
    this._register(this.view.onDidChangeCheckboxState((e) => this.onChecked(e.items)));
    this._register(studio.onDidChange((change) => (change === 'choices' ? this.refreshSoon() : this.refresh())));
    // Opening the view is enough to see the default base's layers.
    this._register(this.view.onDidChangeVisibility((e) => e.visible && this.loadBase()));
    this._register({ dispose: () => this.refreshTimer && clearTimeout(this.refreshTimer) });
    if (this.view.visible) this.loadBase();
    this.refresh();
  }

  getChildren(node?: Node): Node[] {
    if (node?.kind === 'group') return node.layers.map((layer) => ({ kind: 'layer', layer }));
    if (node) return [];
    const top: Node[] = [];
    for (const layer of this.studio.layers) {
      if (!layer.block) {
        top.push({ kind: 'layer', layer });
        continue;
      }
      const last = top.at(-1);
      if (last?.kind === 'group' && last.block === layer.block) last.layers.push(layer);
      else top.push({ kind: 'group', block: layer.block, layers: [layer] });
    }
    return top;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const kept = new Set(this.studio.keptLayers.map((l) => l.name));
    if (node.kind === 'group') {
      const weighted = node.layers.filter((l) => l.hasWeights && kept.has(l.name));
      const trainable = weighted.filter((l) => this.studio.isTrainable(l)).length;
      const item = new vscode.TreeItem(node.block, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `group:${node.block}`;
      item.description = weighted.length
        ? vscode.l10n.t('{0}/{1} trainable', trainable, weighted.length)
        : vscode.l10n.t('removed by the cut');
      item.contextValue = 'group';
      if (weighted.length)
        item.checkboxState =
          trainable === weighted.length ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked;
      return item;
    }
    const l = node.layer;
    const isCut = l.name === this.studio.choices.featureLayer;
    const item = new vscode.TreeItem(l.name, vscode.TreeItemCollapsibleState.None);
    item.id = `layer:${l.name}`;
    const params = l.trainableParams + l.nonTrainableParams;
    const shape = `[${l.outputShape.map((d) => d ?? '?').join(',')}]`;
    item.description = [
      l.className,
      shape,
      params ? vscode.l10n.t('{0} params', params.toLocaleString('en-US')) : '',
      isCut ? vscode.l10n.t('◆ feature layer') : '',
      kept.has(l.name) ? '' : vscode.l10n.t('after the cut'),
    ]
      .filter(Boolean)
      .join(' · ');
    const tooltip = [
      `**${l.name}** (${l.className})`,
      vscode.l10n.t('Output {0}', shape),
      vscode.l10n.t(
        'Trainable parameters {0}, non-trainable {1}',
        l.trainableParams.toLocaleString('en-US'),
        l.nonTrainableParams.toLocaleString('en-US'),
      ),
      l.isBatchNorm
        ? vscode.l10n.t(
            'BatchNorm: always runs in inference mode (the pretrained statistics are kept); when trainable, its scale and offset learn.',
          )
        : '',
      l.className === GRAPH_LAYER_CLASS ? GRAPH_BASE_NOTE : '',
    ];
    item.tooltip = new vscode.MarkdownString(tooltip.filter(Boolean).join('\n\n'));
    item.contextValue = kept.has(l.name) ? (l.hasWeights ? 'layer' : 'layer.noWeights') : 'layer.removed';
    if (l.hasWeights && kept.has(l.name))
      item.checkboxState = this.studio.isTrainable(l)
        ? vscode.TreeItemCheckboxState.Checked
        : vscode.TreeItemCheckboxState.Unchecked;
    item.iconPath = new vscode.ThemeIcon(
      isCut ? 'debug-breakpoint-function' : l.isBatchNorm ? 'pulse' : l.hasWeights ? 'symbol-field' : 'symbol-operator',
    );
    return item;
  }

  /** The last run's base and choices when a reload left them to take up, else the default base. */
  private loadBase(): void {
    void this.studio
      .restorePending()
      .catch(() => undefined)
      .then(() => (this.studio.base || this.studio.baseError ? undefined : this.studio.ensureBase()))
      .catch(() => undefined);
  }

  private onChecked(items: readonly (readonly [Node, vscode.TreeItemCheckboxState])[]): void {
    const frozen = new Set(this.studio.choices.frozen);
    for (const [node, state] of items) {
      const layers = node.kind === 'group' ? node.layers.filter((l) => l.hasWeights) : [node.layer];
      for (const l of layers) {
        if (state === vscode.TreeItemCheckboxState.Checked) frozen.delete(l.name);
        else frozen.add(l.name);
      }
    }
    this.studio.setFrozen([...frozen]);
  }

  /**
   * Checkbox clicks come in bursts: re-rendering the tree between two quick clicks could lose the second one
   * (seen about once in seven end-to-end runs), so a change of choices re-renders once the burst is over.
   */
  private refreshSoon(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(), 150);
  }

  private refresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    const base = this.studio.base;
    if (base) {
      const totals = parameterTotals(base.layers, this.studio.choices.featureLayer, this.studio.choices.frozen);
      this.view.description = vscode.l10n.t(
        '{0}: {1} trainable · {2} frozen',
        base.title,
        totals.trainable.toLocaleString('en-US'),
        totals.frozen.toLocaleString('en-US'),
      );
      this.view.message = undefined;
    } else {
      this.view.description = undefined;
      this.view.message = this.studio.baseError;
    }
    this.changeEmitter.fire();
  }

  /** The layer name of a command argument (a tree node) or undefined. */
  static layerOf(arg: unknown): string | undefined {
    const node = arg as Node | undefined;
    return node?.kind === 'layer' ? node.layer.name : undefined;
  }
}
