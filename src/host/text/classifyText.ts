// "Classify Selection" and "Predict This File": the active text model on the text under the cursor. One
// line (or a selection within one): the label and its runners-up in a notification naming the run; several
// lines: one result per line in a side document.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readFileBounded } from '../../io/boundedRead';
import { LIMITS } from '../../shared/limits';
import type { Prediction } from '../../shared/engineTypes';
import { linesReport, scoreLine, type ClassifiedLine } from '../../shared/text/predictionLines';
import * as T from '../../shared/text/textProtocol';
import { showFailure } from '../commands/fineTune';
import type { Services } from '../services';

export async function classifySelection(s: Services): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return void vscode.window.showInformationMessage(vscode.l10n.t('Open a text file and select text.'));
  const { document, selection } = editor;
  // No selection: the line under the cursor.
  const range = selection.isEmpty ? document.lineAt(selection.active.line).range : selection;
  const lines: { line: number; text: string }[] = [];
  for (let i = range.start.line; i <= range.end.line; i++) {
    const text = document.getText(document.lineAt(i).range.intersection(range) ?? document.lineAt(i).range);
    if (text.trim()) lines.push({ line: i + 1, text });
  }
  if (lines.length === 0) return void vscode.window.showInformationMessage(vscode.l10n.t('Nothing to classify here.'));
  const runDir = await s.textModels.dirOrPick();
  if (!runDir) return;
  const name = path.basename(document.fileName);
  const items = lines.map((l) => ({ path: `${name}:${l.line}`, text: l.text }));
  const predictions = await predict(s, runDir, items);
  if (!predictions) return;
  if (predictions.length === 1) return announce(s, runDir, predictions[0], name);
  const classified: ClassifiedLine[] = lines.map((l, i) => ({ ...l, prediction: predictions[i] }));
  const report = await vscode.workspace.openTextDocument({
    language: 'markdown',
    content: linesReport(name, path.basename(runDir), classified),
  });
  await vscode.window.showTextDocument(report, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}

export async function predictTextFile(s: Services, uri: unknown): Promise<void> {
  const file = uri instanceof vscode.Uri ? uri.fsPath : vscode.window.activeTextEditor?.document.fileName;
  if (!file) return;
  let text: string;
  try {
    text = readFileBounded(file, LIMITS.maxTextFileBytes, 'text file').toString('utf8');
  } catch (e) {
    return void showFailure(s, (e as Error).message);
  }
  const runDir = await s.textModels.dirOrPick();
  if (!runDir) return;
  const [prediction] = (await predict(s, runDir, [{ path: file, text }])) ?? [];
  if (prediction) await announce(s, runDir, prediction, path.basename(file));
}

async function predict(s: Services, runDir: string, items: T.TextItem[]): Promise<Prediction[] | undefined> {
  try {
    return await (await s.trainer.get()).sendRequest(T.textPredict, { runDir, items });
  } catch (e) {
    await showFailure(s, vscode.l10n.t('Classification failed: {0}', (e as Error).message));
    return undefined;
  }
}

async function announce(s: Services, runDir: string, p: Prediction, what: string): Promise<void> {
  const line = vscode.l10n.t('{0}: {1} — model {2}', what, scoreLine(p), path.basename(runDir));
  s.log.info(`classify ${p.path}: ${scoreLine(p)} with ${runDir}`);
  const other = vscode.l10n.t('Use Another Model');
  if ((await vscode.window.showInformationMessage(line, other)) === other) await s.textModels.pick();
}
