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

const FILTERS: Record<ExportFormat, Record<string, string[]> | undefined> = {
  onnx: { 'ONNX model': ['onnx'] },
  keras: { 'Keras 3 model': ['keras'] },
  tfjs: undefined,
};

export async function exportRunCommand(s: Services, arg: unknown, requested?: unknown): Promise<void> {
  if (!requireTrust()) return;
  const dir = await runOf(arg, 'Run to export');
  if (!dir) return;
  const format = isExportFormat(requested) ? requested : await pickFormat();
  if (!format) return;
  const target = await vscode.window.showSaveDialog({
    title: `Export ${path.basename(dir)} as ${format === 'tfjs' ? 'a TensorFlow.js folder' : EXPORT_FILE_NAMES[format]}`,
    defaultUri: vscode.Uri.file(path.join(dir, EXPORT_FILE_NAMES[format])),
    filters: FILTERS[format],
    saveLabel: 'Export',
  });
  if (!target) return;
  try {
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Transfer Studio: exporting ${path.basename(dir)} (${format})`,
        cancellable: true,
      },
      async (_p, token) => (await s.trainer.get()).exportModel({ runDir: dir, format, out: target.fsPath }, token),
    );
    s.log.info(`export ${result.path}: input ${result.input}; output ${result.output}; labels ${result.labelsPath}`);
    const action = await vscode.window.showInformationMessage(
      `Exported ${path.basename(result.path)}: input ${result.input}; output ${result.output}. Labels: ${path.basename(result.labelsPath)}.`,
      'Reveal',
    );
    if (action) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(result.path));
  } catch (e) {
    await showFailure(s, `Export failed: ${(e as Error).message}`);
  }
}

async function pickFormat(): Promise<ExportFormat | undefined> {
  const picked = await vscode.window.showQuickPick(
    EXPORT_FORMATS.map((format) => ({ label: format, description: EXPORT_FORMAT_TITLES[format], format })),
    { placeHolder: 'Format to export to (the scaling and the softmax are inside the ONNX and Keras models)' },
  );
  return picked?.format;
}
