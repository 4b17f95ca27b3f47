// Owns the trainer child process for the extension host: started on first use, replaced after it dies
// (a crash or an out-of-memory exit must not leave the extension unable to train again).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TrainerClient } from '../client/trainerClient';
import type { BackendInfo, ProgressEvent } from '../shared/engineTypes';
import { readSettings } from './settings';

export class TrainerHost implements vscode.Disposable {
  private client: TrainerClient | undefined;
  private progressSubscription: { dispose(): void } | undefined;
  private readonly progressEmitter = new vscode.EventEmitter<ProgressEvent>();
  /** Progress of whichever request is running in the trainer. */
  readonly onProgress = this.progressEmitter.event;
  backend: BackendInfo | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel, readonly cacheDir: string) {}

  /** A live trainer, starting one if there is none. */
  async get(): Promise<TrainerClient> {
    if (this.client?.alive) return this.client;
    this.progressSubscription?.dispose();
    const client = new TrainerClient({
      workerPath: path.join(this.extensionUri.fsPath, 'dist', 'trainer.js'),
      backend: readSettings().backend,
      lowPriority: true,
      onLog: (line) => this.log.info(`[trainer] ${line}`),
    });
    this.client = client;
    this.progressSubscription = client.onProgress((e) => this.progressEmitter.fire(e));
    this.backend = await client.hello();
    this.log.info(`Trainer process ${client.pid} started on ${this.backend.detail}`);
    return client;
  }

  dispose(): void {
    this.progressSubscription?.dispose();
    this.client?.dispose();
    this.progressEmitter.dispose();
  }
}
