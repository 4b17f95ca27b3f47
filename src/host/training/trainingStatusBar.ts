// The status bar item of a running training: epoch, loss, accuracy; a click opens the panel.
import * as vscode from 'vscode';
import type { ProgressEvent } from '../../shared/engineTypes';
import { epochLabel } from '../../shared/epochLine';

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'transferStudio.training',
    vscode.StatusBarAlignment.Left,
    10,
  );
  private accuracy: number | undefined;

  constructor() {
    this.item.name = vscode.l10n.t('Transfer Studio Training');
    this.item.command = 'transferStudio.openPanel';
  }

  show(e: ProgressEvent): void {
    if (e.kind === 'epoch') this.accuracy = e.metrics.valAccuracy;
    if (e.kind !== 'batch' && e.kind !== 'epoch') return;
    const label =
      e.kind === 'batch'
        ? epochLabel(e.model, e.phase, e.epoch, e.epochs, e.untilPlateau)
        : epochLabel(e.model, e.metrics.phase, e.metrics.epoch, e.epochs, e.untilPlateau);
    const loss = e.kind === 'batch' ? e.loss : e.metrics.loss;
    const epoch = `${label[0].toUpperCase()}${label.slice(1)}`;
    this.item.text =
      this.accuracy === undefined
        ? vscode.l10n.t('$(pulse) {0} · loss {1}', epoch, loss.toFixed(3))
        : vscode.l10n.t('$(pulse) {0} · loss {1} · val {2}%', epoch, loss.toFixed(3), (this.accuracy * 100).toFixed(0));
    this.item.tooltip = vscode.l10n.t('Transfer Studio is training. Click to open the training panel.');
    this.item.show();
  }

  hide(): void {
    this.accuracy = undefined;
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
