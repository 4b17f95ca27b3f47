// "Export…" on a finished run (Runs view, command palette, the panel's evaluation tab): pick a format,
// pick where, and let the trainer write the model with its scaling and softmax inside, labels beside it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  EXPORT_FILE_NAMES,
  EXPORT_FORMATS,
  EXPORT_FORMAT_TITLES,
  isExportFormat,
  type ExportFormat,
} from '../../shared/exportTypes';
import type { Services } from '../services';
import { requireTrust, showFailure } from './fineTune';
import { runOf } from './runCommands';
import * as P from '../../shared/trainerProtocol';

// A function: vscode.l10n.t is read when the dialog opens, not when the module loads.
const FILTERS = (): Record<ExportFormat, Record<string, string[]> | undefined> => ({
  onnx: { [vscode.l10n.t('ONNX model')]: ['onnx'] },
  keras: { [vscode.l10n.t('Keras 3 model')]: ['keras'] },
  tfjs: undefined,
});

export async function exportRunCommand(s: Services, arg: unknown, requested?: unknown): Promise<void> {
  if (!requireTrust()) return;
  const dir = await runOf(arg, vscode.l10n.t('Run to export'));
  if (!dir) return;
  const format = isExportFormat(requested) ? requested : await pickFormat();
  if (!format) return;
  const target = await vscode.window.showSaveDialog({
    title:
      format === 'tfjs'
        ? vscode.l10n.t('Export {0} as a TensorFlow.js folder', path.basename(dir))
        : vscode.l10n.t('Export {0} as {1}', path.basename(dir), EXPORT_FILE_NAMES[format]),
    defaultUri: vscode.Uri.file(path.join(dir, EXPORT_FILE_NAMES[format])),
    filters: FILTERS()[format],
    saveLabel: vscode.l10n.t('Export'),
  });
  if (!target) return;
  try {
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Transfer Studio: exporting {0} ({1})', path.basename(dir), format),
        cancellable: true,
      },
      async (_p, token) =>
        (await s.trainer.get()).sendRequest(P.exportModel, { runDir: dir, format, out: target.fsPath }, token),
    );
    s.log.info(`export ${result.path}: input ${result.input}; output ${result.output}; labels ${result.labelsPath}`);
    const action = await vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Exported {0}: input {1}; output {2}. Labels: {3}.',
        path.basename(result.path),
        result.input,
        result.output,
        path.basename(result.labelsPath),
      ),
      vscode.l10n.t('Reveal'),
    );
    if (action) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(result.path));
  } catch (e) {
    await showFailure(s, vscode.l10n.t('Export failed: {0}', (e as Error).message));
  }
}

async function pickFormat(): Promise<ExportFormat | undefined> {
  const picked = await vscode.window.showQuickPick(
    EXPORT_FORMATS.map((format) => ({ label: format, description: EXPORT_FORMAT_TITLES[format], format })),
    {
      placeHolder: vscode.l10n.t(
        'Format to export to (the scaling and the softmax are inside the ONNX and Keras models)',
      ),
    },
  );
  return picked?.format;
}
