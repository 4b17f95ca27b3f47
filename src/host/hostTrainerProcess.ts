// The extension host's trainer process: started on first use, replaced after it dies (a crash or an
// out-of-memory exit must not leave the extension unable to train again). Callers get its live
// TrainerRpcClient, the calling side of the protocol, and one progress event stream across restarts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TrainerRpcClient } from '../client/trainerRpcClient';
import type { BackendInfo, ProgressEvent } from '../shared/engineTypes';
import { Disposable } from './dispose';
import { readSettings } from './settings';
import * as P from '../shared/trainerProtocol';

export class HostTrainerProcess extends Disposable {
  private client: TrainerRpcClient | undefined;
  private progressSubscription: { dispose(): void } | undefined;
  private readonly progressEmitter = this._register(new vscode.EventEmitter<ProgressEvent>());
  /** Progress of whichever request is running in the trainer. */
  readonly onProgress = this.progressEmitter.event;
  backend: BackendInfo | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    readonly cacheDir: string,
  ) {
    super();
    // Whichever child is current when the extension stops is ended with it.
    this._register({
      dispose: () => {
        this.progressSubscription?.dispose();
        this.client?.dispose();
      },
    });
  }

  /** A live trainer, starting one if there is none. */
  async get(): Promise<TrainerRpcClient> {
    if (this.client?.alive) return this.client;
    this.progressSubscription?.dispose();
    const client = new TrainerRpcClient({
      workerPath: path.join(this.extensionUri.fsPath, 'dist', 'trainer.js'),
      backend: readSettings().backend,
      lowPriority: true,
      onLog: (line) => this.log.info(`[trainer] ${line}`),
    });
    this.client = client;
    this.progressSubscription = client.onProgress((e) => this.progressEmitter.fire(e));
    this.backend = await client.sendRequest(P.hello);
    this.log.info(`Trainer process ${client.pid} started on ${this.backend.detail}`);
    return client;
  }
}
