// "Fine-tune on This File": which column of the table holds the text and which the label. Detected from the
// header (the engine's usual names first) and remembered per table, so the next run on it asks with the
// last choice on top: in the text section of the workspace's recipes that train on the table (written
// there), and in workspace state.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readTableHeader } from '../../io/textSource';
import { suggestedColumns } from '../../shared/text/textColumnNames';
import type { TextColumnFlags } from '../../shared/text/textProtocol';
import { recipesOfTable, writeColumnsToRecipes } from './tableRecipes';

const MEMORY_KEY = 'transferStudio.textColumns';

/** The text and label columns of `file`, or undefined when the user dismissed a pick. */
export async function pickTextColumns(memory: vscode.Memento, file: string): Promise<TextColumnFlags | undefined> {
  const header = readTableHeader(file);
  const name = path.basename(file);
  if (header.length < 2) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('{0}: no header with two or more columns in its first line; name the columns in it.', name),
    );
    return undefined;
  }
  const recipes = await recipesOfTable(file);
  const named = recipes.find((r) => r.columns.text || r.columns.label)?.columns;
  const remembered = named ?? memory.get<Record<string, TextColumnFlags>>(MEMORY_KEY, {})[file];
  const suggested = suggestedColumns(header);
  const textColumn = await pickColumn(
    header,
    remembered?.text ?? header[suggested.text],
    vscode.l10n.t('Column of {0} that holds the text', name),
  );
  if (textColumn === undefined) return undefined;
  const others = header.filter((c) => c !== textColumn);
  const labelColumn = await pickColumn(
    others,
    remembered?.label ?? header[suggested.label],
    vscode.l10n.t('Column of {0} that holds the label', name),
  );
  if (labelColumn === undefined) return undefined;
  const columns = { text: textColumn, label: labelColumn };
  await memory.update(MEMORY_KEY, { ...memory.get(MEMORY_KEY, {}), [file]: columns });
  await writeColumnsToRecipes(recipes, columns);
  return columns;
}

async function pickColumn(columns: string[], likely: string | undefined, placeHolder: string) {
  const ordered = [...columns].sort((a, b) => Number(b === likely) - Number(a === likely));
  const picked = await vscode.window.showQuickPick(
    ordered.map((c) => ({ label: c, description: c === likely ? vscode.l10n.t('detected') : undefined })),
    { placeHolder, ignoreFocusOut: true },
  );
  return picked?.label;
}
