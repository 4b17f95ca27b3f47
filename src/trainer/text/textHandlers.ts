// The trainer's answers to the text requests (src/shared/text/textProtocol.ts). Text models use no tfjs,
// but they still run one at a time with the other heavy jobs (`job`), so two never compete for the thread.
import type { CancellationToken, MessageConnection } from 'vscode-jsonrpc/node';
import type { BackendInfo, ProgressEvent } from '../../shared/engineTypes';
import { textRunLayers } from './textRunLayers';
import * as T from '../../shared/text/textProtocol';
import { scanText } from './textRun';
import { evaluateTextRun, predictTextRun, trainTextRun } from './encoderText';
import { textPreview } from '../../shared/text/textPreviewProtocol';
import { previewText } from './textPreview';

type Job = <R>(token: CancellationToken, work: (backend: BackendInfo) => Promise<R>) => Promise<R>;

export function registerTextHandlers(connection: MessageConnection, job: Job, emit: (e: ProgressEvent) => void): void {
  connection.onRequest(T.textScan, (p, token) => job(token, async () => scanText(p.source, p.columns)));
  connection.onRequest(T.textTrain, (p, token) => job(token, () => trainTextRun(p, emit)));
  connection.onRequest(T.textEvaluate, (p, token) =>
    job(token, () => evaluateTextRun(p.runDir, p.source, p.columns, p.cacheDir)),
  );
  connection.onRequest(T.textPredict, (p, token) => job(token, () => predictTextRun(p.runDir, p.items)));
  connection.onRequest(T.textLayersOf, (p, token) => job(token, async () => textRunLayers(p.runDir)));
  // The editor's Dataset tab; like a scan, it reads files only.
  connection.onRequest(textPreview, (p, token) => job(token, async () => previewText(p)));
}
