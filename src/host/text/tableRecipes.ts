// The recipes of the workspace that train on a table: the column pick of Fine-tune on This File starts from
// their text section, and writes the picked columns back into it (recipeEdits: in place, comments kept, one
// undoable edit per recipe, saved). Without such a recipe the pick is remembered in workspace state only.
import * as vscode from 'vscode';
import { recipeEdits } from '../../recipe/recipeEdits';
import { readRecipeFile } from '../../recipe/recipeFile';
import type { TextColumnFlags } from '../../shared/text/textProtocol';

/** Recipe files looked at, at most. */
const MAX_RECIPES = 100;

/** A recipe whose data is the table, and the columns it names. */
export interface TableRecipe {
  uri: vscode.Uri;
  columns: TextColumnFlags;
}

/** The recipes whose `data` is `table` (unreadable recipes are skipped: the language server reports them). */
export async function recipesOfTable(table: string): Promise<TableRecipe[]> {
  const files = await vscode.workspace.findFiles('**/*.recipe.yaml', '**/node_modules/**', MAX_RECIPES);
  const found: TableRecipe[] = [];
  for (const uri of files) {
    try {
      const r = readRecipeFile(uri.fsPath);
      if (r.data === table) found.push({ uri, columns: { text: r.text?.column, label: r.text?.labelColumn } });
    } catch {
      continue;
    }
  }
  return found.sort((a, b) => a.uri.fsPath.localeCompare(b.uri.fsPath));
}

/** Writes the picked columns into each recipe's text section, and saves it. */
export async function writeColumnsToRecipes(recipes: readonly TableRecipe[], columns: TextColumnFlags): Promise<void> {
  for (const { uri } of recipes) {
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      const text = doc.getText();
      const next = recipeEdits(text, { textColumn: columns.text, labelColumn: columns.label });
      if (next === text) continue;
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(text.length)), next);
      if (await vscode.workspace.applyEdit(edit)) await doc.save();
    } catch (e) {
      // The training goes on with the picked columns; the recipe keeps what it said.
      const why = (e as Error).message;
      void vscode.window.showWarningMessage(
        vscode.l10n.t('Could not write the columns into {0}: {1}', uri.fsPath, why),
      );
    }
  }
}
