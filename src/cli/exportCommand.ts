// `transfer-studio export <run> --format onnx|keras|tfjs [--out file]`.
import path from 'node:path';
import type { CancellationToken } from 'vscode-jsonrpc/node';
import type { TrainerRpcClient } from '../client/trainerRpcClient';
import { EXPORT_FORMATS, isExportFormat, type ExportResult } from '../shared/exportTypes';
import { CliError } from './cliError';
import * as P from '../shared/trainerProtocol';

export async function exportCommand(
  client: TrainerRpcClient,
  run: string,
  format: string | undefined,
  out: string | undefined,
  token: CancellationToken,
): Promise<ExportResult> {
  if (!isExportFormat(format))
    throw new CliError(`export needs --format ${EXPORT_FORMATS.join('|')} (got ${format ?? 'none'}).`);
  return client.sendRequest(
    P.exportModel,
    { runDir: path.resolve(run), format, out: out === undefined ? undefined : path.resolve(out) },
    token,
  );
}

export function formatExport(r: ExportResult): string {
  return (
    `${r.format} model written: ${r.path} (${(r.bytes / 1e6).toFixed(1)} MB)\n  labels: ${r.labelsPath}` +
    `\n  input  ${r.input}\n  output ${r.output}`
  );
}
