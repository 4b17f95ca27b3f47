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
  type RequestType0,
} from 'vscode-jsonrpc/node';
import { nodeChildEnv } from '../shared/privateEnv';
import * as P from '../shared/trainerProtocol';

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
      env: nodeChildEnv(process.env, {
        TRANSFER_STUDIO_BACKEND: options.backend ?? process.env.TRANSFER_STUDIO_BACKEND ?? 'auto',
      }),
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

  /**
   * Sends a request declared in src/shared/trainerProtocol.ts, e.g. `sendRequest(P.train, { recipe, cacheDir },
   * token)`: one call for every request, so its parameters and result are the protocol's own types.
   */
  sendRequest<R>(type: RequestType0<R, void>): Promise<R>;
  sendRequest<Q, R>(type: RequestType<Q, R, void>, params: NoInfer<Q>, token?: CancellationToken): Promise<R>;
  sendRequest<Q, R>(
    type: RequestType0<R, void> | RequestType<Q, R, void>,
    params?: Q,
    token?: CancellationToken,
  ): Promise<R> {
    if (type.numberOfParams === 0) return this.settle(this.connection.sendRequest(type as RequestType0<R, void>));
    // `never`: jsonrpc's parameter type is conditional on Q, which only the overload above pins down.
    const sent = this.connection.sendRequest(
      type as RequestType<Q, R, void>,
      params as never,
      token ?? CancellationToken.None,
    );
    return this.settle(sent);
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
