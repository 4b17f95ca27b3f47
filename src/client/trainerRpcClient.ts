// The calling side of the trainer protocol: forks one trainer process and sends it typed jsonrpc requests
// (src/shared/trainerProtocol.ts). The CLI, the language server, the bench and the extension host (through
// HostTrainerProcess) each hold one; none of them ever runs tfjs on its own thread.
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import {
  CancellationToken,
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  ResponseError,
  type MessageConnection,
  type RequestType,
} from 'vscode-jsonrpc/node';
import * as P from '../shared/trainerProtocol';
import type { ProbeResult } from '../shared/probeRules';
import type { RayTrained } from '../shared/rayProtocol';

export interface TrainerRpcClientOptions {
  /** dist/trainer.js by default (beside this bundle). */
  workerPath?: string;
  backend?: P.BackendPreference;
  /** Lines the child writes to stderr (its log). */
  onLog?: (line: string) => void;
  /**
   * Run the trainer at a lower CPU priority (nice 10). An editor wants this: training saturates every core,
   * and the editor's own processes must still get the CPU at once. Threads the trainer starts inherit it.
   */
  lowPriority?: boolean;
}

/** A failed request: `code` is a TrainerErrorCode, `message` is meant for the user. */
export class TrainerError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
    this.name = 'TrainerError';
  }
  get cancelled(): boolean {
    return this.code === P.TrainerErrorCode.Cancelled;
  }
}

export class TrainerRpcClient {
  private readonly child: ChildProcess;
  private readonly connection: MessageConnection;
  private readonly exited: Promise<never>;
  private progressListeners = new Set<(e: P.ProgressEvent) => void>();

  constructor(options: TrainerRpcClientOptions = {}) {
    const workerPath = options.workerPath ?? path.join(__dirname, 'trainer.js');
    this.child = fork(workerPath, [], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        ...process.env,
        TRANSFER_STUDIO_BACKEND: options.backend ?? process.env.TRANSFER_STUDIO_BACKEND ?? 'auto',
      },
      // The host may be Electron (VS Code): run the child as plain Node.
      execArgv: [],
    });
    if (options.lowPriority && this.child.pid !== undefined) {
      try {
        os.setPriority(this.child.pid, 10);
      } catch {
        // Not permitted on this system: the trainer runs at normal priority.
      }
    }
    const log = options.onLog ?? (() => undefined);
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => chunk.split('\n').filter(Boolean).forEach(log));
    }
    this.exited = new Promise<never>((_, reject) => {
      this.child.on('exit', (code, signal) =>
        reject(
          new TrainerError(
            `The trainer process stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}); the last checkpoint of a running training is kept in its run folder.`,
            P.TrainerErrorCode.Internal,
          ),
        ),
      );
    });
    this.exited.catch(() => undefined);
    this.connection = createMessageConnection(new IPCMessageReader(this.child), new IPCMessageWriter(this.child));
    this.connection.onNotification(P.progress, (e) => this.progressListeners.forEach((l) => l(e)));
    this.connection.listen();
  }

  /** False once the child has exited (crash, kill, out of memory): make a new client. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  onProgress(listener: (e: P.ProgressEvent) => void): { dispose(): void } {
    this.progressListeners.add(listener);
    return { dispose: () => this.progressListeners.delete(listener) };
  }

  hello(): Promise<P.BackendInfo> {
    return this.settle(this.connection.sendRequest(P.hello));
  }

  listLayers(base: string, cacheDir: string, token?: CancellationToken): Promise<P.BaseDescription> {
    return this.settle(this.connection.sendRequest(P.listLayers, { base, cacheDir }, token ?? CancellationToken.None));
  }

  scanDataset(folder: string, token?: CancellationToken): Promise<P.DatasetScan> {
    return this.settle(this.connection.sendRequest(P.scanDataset, { folder }, token ?? CancellationToken.None));
  }

  thumbnails(files: string[], size: number): Promise<P.Thumbnail[]> {
    return this.settle(this.connection.sendRequest(P.thumbnails, { files, size }));
  }

  train(recipe: P.TrainRecipe, cacheDir: string, token?: CancellationToken): Promise<P.RunResult> {
    return this.settle(this.connection.sendRequest(P.train, { recipe, cacheDir }, token ?? CancellationToken.None));
  }

  resume(runDir: string, cacheDir: string, token?: CancellationToken): Promise<P.RunResult> {
    return this.settle(this.connection.sendRequest(P.resume, { runDir, cacheDir }, token ?? CancellationToken.None));
  }

  evaluate(runDir: string, folder: string, token?: CancellationToken): Promise<P.Evaluation> {
    return this.settle(this.connection.sendRequest(P.evaluate, { runDir, folder }, token ?? CancellationToken.None));
  }

  predict(runDir: string, images: string[], token?: CancellationToken): Promise<P.Prediction[]> {
    return this.settle(this.connection.sendRequest(P.predict, { runDir, images }, token ?? CancellationToken.None));
  }

  /** Classifies images; an unreadable one gets a failure entry instead of failing the call. */
  predictEach(
    runDir: string,
    images: string[],
    token?: CancellationToken,
  ): Promise<(P.Prediction | P.PredictionFailure)[]> {
    return this.settle(this.connection.sendRequest(P.predictEach, { runDir, images }, token ?? CancellationToken.None));
  }

  embed(params: EmbedParams, token?: CancellationToken): Promise<P.EmbedResult> {
    return this.settle(this.connection.sendRequest(P.embed, params, token ?? CancellationToken.None));
  }

  probe(params: P.ProbeParams, token?: CancellationToken): Promise<ProbeResult> {
    return this.settle(this.connection.sendRequest(P.probe, params, token ?? CancellationToken.None));
  }

  /** A run folder and a Ray job folder for a recipe; src/ray/rayTraining.ts then runs the job. */
  rayPrepare(
    params: { recipe: P.TrainRecipe; cacheDir: string; target: P.RayTarget },
    token?: CancellationToken,
  ): Promise<P.RayPrepared> {
    return this.settle(this.connection.sendRequest(P.rayPrepare, params, token ?? CancellationToken.None));
  }

  rayFinish(
    params: { runDir: string; cacheDir: string; trained: RayTrained },
    token?: CancellationToken,
  ): Promise<P.RunResult> {
    return this.settle(this.connection.sendRequest(P.rayFinish, params, token ?? CancellationToken.None));
  }

  rayAbandon(runDir: string, status: 'failed' | 'cancelled'): Promise<void> {
    return this.settle(this.connection.sendRequest(P.rayAbandon, { runDir, status }));
  }

  exportModel(request: P.ExportRequest, token?: CancellationToken): Promise<P.ExportResult> {
    return this.settle(this.connection.sendRequest(P.exportModel, request, token ?? CancellationToken.None));
  }

  /** Any request of the protocol (the text requests use this): the reply, or a TrainerError. */
  request<Q, R>(type: RequestType<Q, R, void>, params: Q, token?: CancellationToken): Promise<R> {
    // The library types params through a conditional type that a generic Q cannot satisfy.
    return this.settle(this.connection.sendRequest<Q, R, void>(type, params as never, token ?? CancellationToken.None));
  }

  /** Ends the child; a running training stops where it is (its last checkpoint stays). */
  dispose(): void {
    this.connection.dispose();
    if (this.child.exitCode === null) this.child.kill();
  }

  /** A reply, or the reason there will be none: a typed error, or the child's death. */
  private async settle<R>(sent: Promise<R>): Promise<R> {
    try {
      return await Promise.race([sent, this.exited]);
    } catch (e) {
      if (e instanceof ResponseError) throw new TrainerError(e.message, e.code);
      throw e;
    }
  }
}

/** Parameters of an embed request. */
export type EmbedParams = typeof P.embed extends RequestType<infer Q, unknown, void> ? Q : never;
