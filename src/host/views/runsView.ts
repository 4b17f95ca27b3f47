// The Runs view: every run folder of the workspace with its best validation accuracy and status.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import { listRuns, type RunSummary } from '../runs/runStore';
import { listTextRunSummaries } from '../text/textRunSummaries';

export class RunsView extends Disposable implements vscode.TreeDataProvider<RunSummary> {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changeEmitter.event;

  /** `trainingLive`: whether a training runs now; without one, a run still marked "training" was interrupted. */
  constructor(
    private readonly runsDirs: () => string[],
    private readonly trainingLive: () => boolean,
  ) {
    super();
    this._register(vscode.window.createTreeView('transferStudio.runs', { treeDataProvider: this }));
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/run.json'));
    for (const onEvent of [watcher.onDidCreate, watcher.onDidChange, watcher.onDidDelete])
      this._register(onEvent(() => this.refresh()));
  }

  refresh(): void {
    this.changeEmitter.fire();
  }

  getChildren(run?: RunSummary): RunSummary[] {
    if (run) return [];
    const dirs = this.runsDirs();
    return [...listRuns(dirs), ...listTextRunSummaries(dirs)].sort((a, b) => b.name.localeCompare(a.name));
  }

  getTreeItem(run: RunSummary): vscode.TreeItem {
    const item = new vscode.TreeItem(run.name, vscode.TreeItemCollapsibleState.None);
    item.id = run.dir;
    const acc =
      run.bestValAccuracy === undefined ? '' : vscode.l10n.t('{0} % val', (run.bestValAccuracy * 100).toFixed(1));
    const live = run.status === 'training' && this.trainingLive();
    const resumable = run.status !== 'finished' && run.hasCheckpoint && !live;
    const status = statusWord(run.status === 'training' && !live ? 'interrupted' : run.status);
    item.description = [
      acc,
      run.status === 'finished' ? '' : resumable ? vscode.l10n.t('{0}, resumable', status) : status,
    ]
      .filter(Boolean)
      .join(' · ');
    item.tooltip = `${run.dir}\n${run.base ? vscode.l10n.t('{0} on {1}', run.mode ?? '', run.base) : (run.mode ?? '')}`;
    item.contextValue =
      run.mode === 'text'
        ? 'textRun'
        : run.status === 'finished' && run.hasModel
          ? 'run.finished'
          : resumable
            ? 'run.resumable'
            : 'run.other';
    item.iconPath = new vscode.ThemeIcon(
      run.status === 'finished' ? 'pass' : resumable ? 'debug-pause' : live ? 'sync' : 'circle-slash',
    );
    item.resourceUri = vscode.Uri.file(run.dir);
    item.command = { command: 'transferStudio.openReport', title: vscode.l10n.t('Open Report'), arguments: [run] };
    return item;
  }

  /** The run folder of a command argument (a view item or a path). */
  static dirOf(arg: unknown): string | undefined {
    if (typeof arg === 'string') return arg;
    if (arg instanceof vscode.Uri) return arg.fsPath;
    const dir = (arg as RunSummary | undefined)?.dir;
    return typeof dir === 'string' ? path.resolve(dir) : undefined;
  }
}

/** A run's status in words (run.json keeps the English key). */
export function statusWord(status: RunSummary['status'] | 'interrupted'): string {
  switch (status) {
    case 'training':
      return vscode.l10n.t('training');
    case 'finished':
      return vscode.l10n.t('finished');
    case 'cancelled':
      return vscode.l10n.t('cancelled');
    case 'failed':
      return vscode.l10n.t('failed');
    case 'interrupted':
      return vscode.l10n.t('interrupted');
    case 'unknown':
      return vscode.l10n.t('unknown');
  }
}
