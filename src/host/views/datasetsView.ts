// The Datasets view: the classes of the chosen data folder with their image counts, warnings and the
// files that were skipped (with the reason).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DatasetService } from '../datasets/datasetService';
import { Disposable } from '../dispose';

type Node =
  | { kind: 'class'; name: string; count: number }
  | { kind: 'warning'; text: string }
  | { kind: 'skippedGroup'; count: number }
  | { kind: 'skipped'; file: string; reason: string };

export class DatasetsView extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly view: vscode.TreeView<Node>;

  constructor(private readonly datasets: DatasetService) {
    super();
    this.view = this._register(vscode.window.createTreeView('transferStudio.datasets', { treeDataProvider: this }));
    this._register(datasets.onDidChange(() => this.refresh()));
  }

  private refresh(): void {
    const p = this.datasets.preview;
    this.view.description = p ? path.basename(p.folder) : undefined;
    this.view.message = this.datasets.error;
    this.changeEmitter.fire();
  }

  getChildren(node?: Node): Node[] {
    const p = this.datasets.preview;
    if (!p) return [];
    if (node?.kind === 'skippedGroup')
      return p.skipped.map((s) => ({ kind: 'skipped', file: s.path, reason: s.reason }));
    if (node) return [];
    return [
      ...p.warnings.map((text): Node => ({ kind: 'warning', text })),
      ...p.classes.map((c): Node => ({ kind: 'class', name: c.name, count: c.count })),
      ...(p.skipped.length ? [{ kind: 'skippedGroup', count: p.skipped.length } as Node] : []),
    ];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const folder = this.datasets.preview?.folder ?? '';
    switch (node.kind) {
      case 'class': {
        const item = new vscode.TreeItem(node.name);
        item.description = node.count === 1 ? vscode.l10n.t('1 image') : vscode.l10n.t('{0} images', node.count);
        item.iconPath = new vscode.ThemeIcon(node.count === 0 ? 'warning' : 'folder');
        item.resourceUri = vscode.Uri.file(path.join(folder, node.name));
        item.command = { command: 'revealInExplorer', title: vscode.l10n.t('Reveal'), arguments: [item.resourceUri] };
        return item;
      }
      case 'warning': {
        const item = new vscode.TreeItem(node.text);
        item.iconPath = new vscode.ThemeIcon('warning');
        item.tooltip = node.text;
        return item;
      }
      case 'skippedGroup': {
        const item = new vscode.TreeItem(vscode.l10n.t('Skipped files'), vscode.TreeItemCollapsibleState.Collapsed);
        item.description = String(node.count);
        item.iconPath = new vscode.ThemeIcon('circle-slash');
        return item;
      }
      case 'skipped': {
        const item = new vscode.TreeItem(path.relative(folder, node.file) || node.file);
        item.description = node.reason;
        item.tooltip = `${node.file}: ${node.reason}`;
        item.resourceUri = vscode.Uri.file(node.file);
        return item;
      }
    }
  }
}
