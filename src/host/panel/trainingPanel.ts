// The training panel's host side: one WebviewPanel, restored after a reload by its serializer. The webview
// says `ready`, gets a full snapshot (history included, so no chart point is lost), then small updates.
// Everything it sends is checked before use: the webview is untrusted input.
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { panelHtml } from './panelHtml';
import { parseWebviewMessage } from '../../shared/panelMessageCheck';
import {
  PANEL_VIEW_TYPE,
  type EvaluationView,
  type HostMessage,
  type PanelSnapshot,
  type WebviewMessage,
} from '../../shared/panelProtocol';
import type { ExportFormat } from '../../shared/exportTypes';
import type { DatasetService } from '../datasets/datasetService';
import { Disposable, DisposableStore } from '../dispose';
import type { StudioState } from '../studioState';
import type { TrainingService } from '../training/trainingService';

export interface PanelActions {
  startTraining(): void;
  startTrainingOnRay(): void;
  openImage(file: string): void;
  exportRun(runDir: string, format: ExportFormat): void;
  setTextEmbeddingFrozen(frozen: boolean): void;
}

export class TrainingPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** What lives as long as the current webview panel. */
  private readonly panelSubscriptions = this._register(new DisposableStore());
  evaluation: EvaluationView | undefined;
  private revealOnReady = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly studio: StudioState,
    private readonly datasets: DatasetService,
    private readonly training: TrainingService,
    private readonly actions: PanelActions,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => this.attach(panel),
      }),
    );
    this._register(
      studio.onDidChange((change) =>
        change === 'base'
          ? this.post({ type: 'snapshot', snapshot: this.snapshot() })
          : this.post({ type: 'choices', choices: studio.choices }),
      ),
    );
    this._register(datasets.onDidChange((dataset) => dataset && this.post({ type: 'dataset', dataset })));
    this._register(training.onDidChangeStatus((view) => this.post({ type: 'training', training: view })));
    this._register(training.onProgress((events) => this.post({ type: 'progress', events })));
    // Registered last, so released first: the panel goes before what it listens to.
    this._register({ dispose: () => this.panel?.dispose() });
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    this.attach(
      vscode.window.createWebviewPanel(
        PANEL_VIEW_TYPE,
        vscode.l10n.t('Transfer Studio: Training'),
        vscode.ViewColumn.Active,
        {},
      ),
    );
  }

  /** Sends the whole state again (after trust is granted, for instance). */
  refresh(): void {
    this.post({ type: 'snapshot', snapshot: this.snapshot() });
  }

  showEvaluation(evaluation: EvaluationView | undefined, reveal = false): void {
    this.evaluation = evaluation;
    // A panel opened just now drops messages until its script says ready: the reveal waits for that.
    this.revealOnReady = reveal;
    if (evaluation) this.post({ type: 'evaluation', evaluation, reveal });
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    // A panel shown (or restored after a reload) is when the last run's choices and its base are worth loading.
    void this.studio
      .restorePending()
      .catch((e: Error) => this.log.warn(`Could not restore the last run's choices: ${e.message}`));
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'activity.svg');
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [dist, vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
    panel.webview.html = panelHtml({
      cspSource: panel.webview.cspSource,
      nonce: crypto.randomBytes(16).toString('base64'),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
      title: vscode.l10n.t('Transfer Studio: Training'),
      l10n: vscode.l10n.bundle,
      language: vscode.env.language,
      loading: vscode.l10n.t('Loading…'),
    });
    this.panelSubscriptions.add(panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    this.panelSubscriptions.add(
      panel.onDidDispose(() => {
        this.panelSubscriptions.clear();
        this.panel = undefined;
      }),
    );
  }

  private receive(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.log.warn(`Ignored a message from the training panel: ${parsed.reason}`);
      return;
    }
    this.handle(parsed.message);
  }

  private handle(m: WebviewMessage): void {
    switch (m.type) {
      case 'ready':
        this.post({ type: 'snapshot', snapshot: this.snapshot() });
        if (this.revealOnReady && this.evaluation)
          this.post({ type: 'evaluation', evaluation: this.evaluation, reveal: true });
        this.revealOnReady = false;
        return;
      case 'setTrainable':
        return this.studio.setTrainable(m.layer, m.trainable);
      case 'freezeUpTo':
        return this.studio.freezeUpTo(m.layer);
      case 'unfreezeFrom':
        return this.studio.unfreezeFrom(m.layer);
      case 'setFeatureLayer':
        return this.studio.setFeatureLayer(m.layer);
      case 'updateSettings':
        return this.studio.updateSettings(m.settings);
      case 'startTraining':
        return this.actions.startTraining();
      case 'startTrainingOnRay':
        return this.actions.startTrainingOnRay();
      case 'cancelTraining':
        this.training.cancel();
        return;
      case 'openImage':
        return this.actions.openImage(m.path);
      case 'exportRun':
        if (this.evaluation) this.actions.exportRun(this.evaluation.runDir, m.format);
        return;
      case 'setTextEmbeddingFrozen':
        return this.actions.setTextEmbeddingFrozen(m.frozen);
    }
  }

  snapshot(): PanelSnapshot {
    return {
      choices: this.studio.choices,
      base: this.studio.base,
      baseError: this.studio.baseError,
      dataset: this.datasets.preview,
      training: this.training.view,
      history: this.training.history,
      evaluation: this.evaluation,
      trusted: vscode.workspace.isTrusted,
    };
  }

  private post(message: HostMessage): void {
    void this.panel?.webview.postMessage(message);
  }
}
