// Request handlers of the trainer. Heavy jobs run one at a time (tfjs computes on this one thread), and
// every failure becomes a jsonrpc error whose message a user can act on.
import { ResponseError, type CancellationToken, type MessageConnection } from 'vscode-jsonrpc/node';
import * as P from '../../shared/trainerProtocol';
import { scanDataset } from '../data/datasetScanner';
import { makeThumbnails } from '../data/thumbnails';
import { CancelledError, EngineError } from '../../shared/engineError';
import { checkData } from '../doctor/checkData';
import { embedFolder } from '../features/embedFolder';
import { probeBases } from '../features/probeBases';
import { loadBase } from '../models/baseModel';
import { evaluateRun, predictEach } from '../train/runInference';
import { readRecipe } from '../train/runFolder';
import { runTraining } from '../train/runTraining';
import { timedRun } from '../train/timedRun';
import { abandonRayRun, finishRayRun } from '../ray/rayFinish';
import { prepareRayRun } from '../ray/rayRun';
import { exportAnyRun } from '../text/textExport';
import { registerTextHandlers } from '../text/textHandlers';
import { probeTextRun } from '../text/encoderText';
import { textProbe } from '../../shared/text/textProbeProtocol';
import { textEmbed } from '../../shared/text/textEmbedProtocol';
import { embedTexts } from '../text/textEmbed';

export function registerHandlers(connection: MessageConnection, backendReady: Promise<P.BackendInfo>): void {
  let queue: Promise<unknown> = Promise.resolve();
  const emit = (e: P.ProgressEvent) => void connection.sendNotification(P.progress, e);

  /** Runs jobs in arrival order; a job cancelled while it waits never starts. */
  function job<R>(token: CancellationToken, work: (backend: P.BackendInfo) => Promise<R>): Promise<R> {
    const run = queue.then(async () => {
      if (token.isCancellationRequested) throw new CancelledError();
      return work(await backendReady);
    });
    queue = run.catch(() => undefined);
    return run.catch((e: unknown) => {
      throw toResponseError(e);
    });
  }

  connection.onRequest(P.hello, () => backendReady);
  // Scans and thumbnails use no tfjs, so they answer while a training runs (the panel previews data meanwhile).
  connection.onRequest(P.scanDataset, (p) =>
    scanDataset(p.folder, { minPerClass: p.minPerClass }).catch((e: unknown) => {
      throw toResponseError(e);
    }),
  );
  connection.onRequest(P.thumbnails, (p) => makeThumbnails(p.files.slice(0, 500), p.size));
  connection.onRequest(P.listLayers, (p, token) =>
    job(token, async () => {
      const base = await loadBase(p.base, p.cacheDir);
      base.model.dispose();
      return base.description;
    }),
  );
  connection.onRequest(P.train, (p, token) =>
    job(token, (backend) =>
      timedRun(emit, (sink) => runTraining(p.recipe, { cacheDir: p.cacheDir, backend, signal: token, emit: sink })),
    ),
  );
  connection.onRequest(P.resume, (p, token) =>
    job(token, (backend) =>
      timedRun(emit, (sink) =>
        runTraining(readRecipe(p.runDir), { cacheDir: p.cacheDir, backend, signal: token, emit: sink }, p.runDir),
      ),
    ),
  );
  connection.onRequest(P.rayPrepare, (p, token) =>
    job(token, () => prepareRayRun(p.recipe, p.target, { cacheDir: p.cacheDir, signal: token, emit })),
  );
  connection.onRequest(P.rayFinish, (p, token) =>
    job(token, () => finishRayRun(p, { cacheDir: p.cacheDir, signal: token, emit })),
  );
  connection.onRequest(P.rayAbandon, (p) => abandonRayRun(p.runDir, p.status));
  connection.onRequest(P.evaluate, (p, token) => job(token, () => evaluateRun(p.runDir, p.folder, token, emit)));
  connection.onRequest(P.predictEach, (p, token) => job(token, () => predictEach(p.runDir, p.images)));
  connection.onRequest(P.embed, (p, token) => job(token, () => embedFolder(p, token, emit)));
  connection.onRequest(P.probe, (p, token) => job(token, () => probeBases(p, token, emit)));
  connection.onRequest(P.doctor, (p, token) => job(token, () => checkData(p, token, emit)));
  connection.onRequest(P.exportModel, (p, token) => job(token, () => exportAnyRun(p)));
  registerTextHandlers(connection, job, emit);
  connection.onRequest(textProbe, (p, token) => job(token, () => probeTextRun(p)));
  connection.onRequest(textEmbed, (p, token) => job(token, () => embedTexts(p, emit)));
}

function toResponseError(e: unknown): ResponseError<void> {
  if (e instanceof EngineError) return new ResponseError(P.TrainerErrorCode.BadInput, e.message);
  if (e instanceof CancelledError) return new ResponseError(P.TrainerErrorCode.Cancelled, 'Cancelled.');
  if (isWasmAbort(e)) {
    // The WASM module is unusable after an abort: answer, then exit so the host starts a fresh trainer.
    setTimeout(() => process.exit(70), 100);
    return new ResponseError(
      P.TrainerErrorCode.BadInput,
      'The WASM backend ran out of memory (its heap is limited to 4 GB). Use a smaller batch size (e.g. 4) or freeze more layers; the last checkpoint is kept.',
    );
  }
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  // The stack goes to stderr (the host's log), not into the user's face.
  console.error(e instanceof Error ? e.stack : e);
  return new ResponseError(P.TrainerErrorCode.Internal, `Internal error in the trainer: ${message}`);
}

function isWasmAbort(e: unknown): boolean {
  return e instanceof Error && /Aborted\(|memory access out of bounds|out of memory/i.test(e.message);
}
