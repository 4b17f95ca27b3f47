// `transfer-studio export <run> --format onnx|keras|tfjs [--out file]`.
import path from 'node:path';
import type { CancellationToken } from 'vscode-jsonrpc/node';
import type { TrainerRpcClient } from '../client/trainerRpcClient';
import {
  EXPORT_FILE_NAMES,
  EXPORT_FORMATS,
  isExportFormat,
  labelsFileFor,
  type ExportResult,
} from '../shared/exportTypes';
import { charTokenizerFileFor, tokenizerFileFor, wordTokenizerFileFor } from '../shared/text/textExportFiles';
import { CliError } from './cliError';
import { refuseToOverwrite } from './overwrite';
import { isTextRunDir } from './textCommands';
import * as P from '../shared/trainerProtocol';

/** Writes a run in a format; refuses to replace an existing model or labels file unless `force`. */
export async function exportCommand(
  client: TrainerRpcClient,
  run: string,
  o: { format: string | undefined; out: string | undefined; force: boolean; token: CancellationToken },
): Promise<ExportResult> {
  const { format } = o;
  if (!isExportFormat(format))
    throw new CliError(`export needs --format ${EXPORT_FORMATS.join('|')} (got ${format ?? 'none'}).`);
  const runDir = path.resolve(run);
  const out = o.out === undefined ? undefined : path.resolve(o.out);
  const target = out ?? path.join(runDir, EXPORT_FILE_NAMES[format]);
  // tfjs writes a folder (labels inside); the others a file with its labels (and a text run's tokenizer) beside it.
  const tokenizers = [tokenizerFileFor, wordTokenizerFileFor, charTokenizerFileFor];
  const text = isTextRunDir(runDir) ? tokenizers.map((f) => f(target)) : [];
  const beside = [labelsFileFor(target), ...text];
  refuseToOverwrite(format === 'tfjs' ? [target] : [target, ...beside], o.force);
  return client.sendRequest(P.exportModel, { runDir, format, out }, o.token);
}

export function formatExport(r: ExportResult): string {
  return (
    `${r.format} model written: ${r.path} (${(r.bytes / 1e6).toFixed(1)} MB)\n  labels: ${r.labelsPath}` +
    (r.tokenizerPath ? `\n  tokenizer: ${r.tokenizerPath}` : '') +
    (r.wordTokenizerPath ? `\n  word tokenizer: ${r.wordTokenizerPath}` : '') +
    (r.charTokenizerPath ? `\n  character tokenizer: ${r.charTokenizerPath}` : '') +
    `\n  input  ${r.input}\n  output ${r.output}`
  );
}
