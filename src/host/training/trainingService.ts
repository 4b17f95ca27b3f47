// Runs trainings for the extension host: one at a time (a second request waits its turn), in the trainer
// child process, with a cancellable notification, a status bar item and a full history of progress events
// that the panel replays when it opens, is restored, or comes back after being hidden.
import { runFile } from '../../io/runFiles';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { TrainerError } from '../../client/trainerRpcClient';
import type { ProgressEvent, RunResult, TrainRecipe } from '../../shared/engineTypes';
import type { EpochMetrics } from '../../shared/evaluationTypes';
import type { RayTarget } from '../../shared/trainerProtocol';
import { RayRunError, trainOnRay } from '../../ray/rayTraining';
import { backendView } from '../../shared/backendLine';
import { epochLine } from '../../shared/epochLine';
import type { TrainingView } from '../../shared/panelProtocol';
import { checkpointHistory, listRuns } from '../runs/runStore';
import type { HostTrainerProcess } from '../hostTrainerProcess';
import { Disposable } from '../dispose';
import { describeEventLoop, EventLoopMonitor } from './eventLoopMonitor';
import { describeProgress } from './progressText';
import { ProgressJournal } from './progressJournal';
import { TrainingStatusBar } from './trainingStatusBar';
import * as P from '../../shared/trainerProtocol';

function epochEvent(metrics: EpochMetrics, epochs: number, checkpoint: string): ProgressEvent {
  return { kind: 'epoch', model: 'transfer', metrics, epochs, checkpoint };
}

/** A run folder of this job with a checkpoint on disk (the trainer may die before its epoch event arrives). */
function resumableOnDisk(job: TrainingJob, since: number): string | undefined {
  if (job.resumeRunDir) return job.resumeRunDir;
  const runsDir = job.recipe?.outputDir;
  if (!runsDir) return undefined;
  return listRuns([runsDir]).find(
    (r) => r.hasCheckpoint && r.status !== 'finished' && fs.statSync(runFile(r.dir, 'info')).mtimeMs >= since - 1000,
  )?.dir;
}

function summarizeRecipe(r: TrainRecipe): string {
  const frozen = r.freeze.frozen
    ? `${r.freeze.frozen.length} frozen layers`
    : r.freeze.freezeUpTo
      ? `frozen up to ${r.freeze.freezeUpTo}`
      : 'base frozen';
  return `${r.mode} on ${r.data} · base ${r.base} · cut ${r.freeze.featureLayer ?? 'default'} · ${frozen} · ${r.epochs} epochs · lr ${r.learningRate} · batch ${r.batchSize}${r.augmentation ? ' · augmented' : ''}${r.secondPhase === 'auto' ? ' · phase 2 auto' : r.secondPhase ? ` · phase 2 from ${r.secondPhase.unfreezeFrom}` : ''}${r.compareScratch ? ' · vs scratch' : ''} → ${r.outputDir}`;
}

export interface TrainingJob {
  label: string;
  recipe?: TrainRecipe;
  /** Continue this run folder from its checkpoint instead of starting a new run. */
  resumeRunDir?: string;
  /** Train the recipe on this Ray cluster instead of in the trainer. */
  ray?: RayJob;
}

/** Where and with which Python a Ray run goes ("Run on Ray Cluster…"). */
export interface RayJob {
  target: RayTarget;
  python: string;
}

export interface FinishedTraining {
  job: TrainingJob;
  result?: RunResult;
  error?: string;
  /** The run folder of a training that failed after at least one checkpoint (it can be resumed). */
  resumableRunDir?: string;
}

export class TrainingService extends Disposable {
  private readonly statusEmitter = this._register(new vscode.EventEmitter<TrainingView>());
  private readonly progressEmitter = this._register(new vscode.EventEmitter<ProgressEvent[]>());
  private readonly finishEmitter = this._register(new vscode.EventEmitter<FinishedTraining>());
  /** Status changes: running, cancelling, finished… */
  readonly onDidChangeStatus = this.statusEmitter.event;
  /** Progress events in small batches (every 100 ms at most) to keep the webview traffic low. */
  readonly onProgress = this.progressEmitter.event;
  readonly onDidFinish = this.finishEmitter.event;

  view: TrainingView = { status: 'idle' };
  /** Every progress event of the current (or last) training. */
  history: ProgressEvent[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private running: CancellationTokenSource | undefined;
  private pending: ProgressEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly statusBar = this._register(new TrainingStatusBar());

  constructor(
    private readonly trainer: HostTrainerProcess,
    private readonly log: vscode.LogOutputChannel,
    private readonly journal: ProgressJournal,
  ) {
    super();
    this._register(trainer.onProgress((e) => this.onTrainerProgress(e)));
    // A training still running when the extension stops is cancelled (its last checkpoint stays).
    this._register({ dispose: () => this.running?.cancel() });
  }

  get busy(): boolean {
    return this.running !== undefined || this.waiting > 0;
  }

  /** Queues a training; resolves when it has finished, failed or been cancelled. */
  run(job: TrainingJob): Promise<FinishedTraining> {
    if (this.busy)
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Transfer Studio: "{0}" will start when the current training ends.', job.label),
      );
    this.waiting++;
    const turn = this.queue.then(() => {
      this.waiting--;
      return this.runNow(job);
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * After a window reload the trainer of the previous extension host is gone (it stops with its host):
   * show the newest run's state and every point the old panel drew (from the journal, or the run's recorded
   * epochs), so the panel is not blank and "Resume" is offered.
   */
  restoreLast(run: { dir: string; name: string; status: string; history: EpochMetrics[] } | undefined): void {
    if (!run || this.running) return;
    const journal = this.journal.read();
    const journalled = journal && ProgressJournal.runDirOf(journal.events) === run.dir ? journal.events : undefined;
    const epochs = run.history.length;
    this.history =
      journalled ?? run.history.map((metrics) => epochEvent(metrics, epochs, runFile(run.dir, 'checkpoint')));
    const interrupted = run.status === 'training';
    this.view = {
      status: run.status === 'finished' ? 'finished' : run.status === 'cancelled' ? 'cancelled' : 'failed',
      runName: run.name,
      runDir: run.dir,
      message: interrupted
        ? vscode.l10n.t(
            'This training stopped when its window closed or reloaded; its last checkpoint (epoch {0}) is kept. Resume it from the Runs view.',
            epochs,
          )
        : undefined,
    };
  }

  cancel(): boolean {
    if (!this.running) return false;
    this.running.cancel();
    this.setView({ ...this.view, status: 'cancelling' });
    return true;
  }

  private async runNow(job: TrainingJob): Promise<FinishedTraining> {
    const tokenSource = new CancellationTokenSource();
    this.running = tokenSource;
    const started = Date.now();
    this.history = [];
    this.journal.start(job.label);
    this.setView({ status: 'running', runName: job.label, ...backendView(this.trainer.backend) });
    if (job.resumeRunDir) {
      // A resumed run's chart starts with the epochs its checkpoint already holds.
      const earlier = checkpointHistory(job.resumeRunDir);
      this.history.push(...earlier.map((m) => epochEvent(m, earlier.length, runFile(job.resumeRunDir!, 'checkpoint'))));
      this.pending.push(...this.history);
      this.flush();
    }
    const monitor = new EventLoopMonitor();
    monitor.start();
    this.log.info(
      `Training "${job.label}" started: ${job.recipe ? summarizeRecipe(job.recipe) : `resuming ${job.resumeRunDir}`}`,
    );
    try {
      const result = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Transfer Studio: {0}', job.label),
          cancellable: true,
        },
        async (progress, token) => {
          token.onCancellationRequested(() => this.cancel());
          const report = this.onProgress((events) => {
            const text = describeProgress(events.at(-1));
            if (text) progress.report({ message: text });
          });
          try {
            const client = await this.trainer.get();
            this.setView({ ...this.view, ...backendView(this.trainer.backend) });
            this.log.info(`Backend: ${this.trainer.backend?.detail}`);
            if (job.ray) {
              const { address, workers } = job.ray.target;
              const backend =
                address === 'local'
                  ? vscode.l10n.t('a local Ray, {0} worker(s)', workers)
                  : vscode.l10n.t('Ray at {0}, {1} worker(s)', address, workers);
              this.setView({ ...this.view, backend, backendDetail: undefined });
              const emit = (e: ProgressEvent) => this.onTrainerProgress(e);
              return await trainOnRay(client, job.recipe!, {
                ...job.ray,
                cacheDir: this.trainer.cacheDir,
                token: tokenSource.token,
                emit,
              });
            }
            return job.resumeRunDir
              ? await client.sendRequest(
                  P.resume,
                  { runDir: job.resumeRunDir, cacheDir: this.trainer.cacheDir },
                  tokenSource.token,
                )
              : await client.sendRequest(
                  P.train,
                  { recipe: job.recipe!, cacheDir: this.trainer.cacheDir },
                  tokenSource.token,
                );
          } finally {
            report.dispose();
          }
        },
      );
      this.flush();
      const status = result.cancelled ? 'cancelled' : 'finished';
      this.setView({
        status,
        runName: path.basename(result.runDir),
        runDir: result.runDir,
        ...backendView(result.backend),
        message: result.cancelled
          ? vscode.l10n.t('Cancelled; the last checkpoint is kept in {0}.', runFile(result.runDir, 'checkpoint'))
          : undefined,
      });
      return this.finished({ job, result });
    } catch (e) {
      this.flush();
      const message = e instanceof Error ? e.message : String(e);
      const cancelled = (e instanceof TrainerError || e instanceof RayRunError) && e.cancelled;
      this.setView({
        ...this.view,
        status: cancelled ? 'cancelled' : 'failed',
        message: cancelled ? vscode.l10n.t('Cancelled before the first checkpoint.') : message,
      });
      this.log.error(`Training "${job.label}" ${cancelled ? 'cancelled' : `failed: ${message}`}`);
      // A Ray run's checkpoints are Ray Train's, in its job folder: the engine cannot resume from them.
      const resumable = job.ray ? undefined : (this.checkpointRunDir() ?? resumableOnDisk(job, started));
      return this.finished({ job, error: cancelled ? undefined : message, resumableRunDir: resumable });
    } finally {
      const figures = monitor.stop();
      if (figures) this.log.info(describeEventLoop(figures));
      this.running = undefined;
      tokenSource.dispose();
    }
  }

  /** The run folder of the current training, known once an epoch has been checkpointed. */
  private checkpointRunDir(): string | undefined {
    const last = [...this.history].reverse().find((e) => e.kind === 'epoch' && e.checkpoint);
    return last?.kind === 'epoch' ? path.dirname(last.checkpoint) : undefined;
  }

  private finished(done: FinishedTraining): FinishedTraining {
    this.finishEmitter.fire(done);
    return done;
  }

  private onTrainerProgress(e: ProgressEvent): void {
    if (!this.running) return; // a scan or an evaluation, not a training
    this.history.push(e);
    this.pending.push(e);
    if (e.kind === 'log') this.log.info(e.message);
    if (e.kind === 'epoch') {
      this.log.info(epochLine(e));
    }
    this.statusBar.show(e);
    this.flushTimer ??= setTimeout(() => this.flush(), 100);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    this.journal.append(events);
    this.progressEmitter.fire(events);
  }

  private setView(view: TrainingView): void {
    this.view = view;
    if (view.status !== 'running' && view.status !== 'cancelling') this.statusBar.hide();
    this.statusEmitter.fire(view);
  }
}
