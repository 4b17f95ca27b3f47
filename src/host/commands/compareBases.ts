// "Compare Bases": from a dataset folder (Explorer), a recipe (CodeLens) or the studio's data folder, a linear
// probe of each built-in base plus the base in use, shown as a Markdown table with a recommendation.
import * as vscode from 'vscode';
import { loadRecipe } from '../../recipe/recipeFile';
import { BUILTIN_BASES } from '../../shared/builtinBases';
import { PROBE_VALIDATION_SPLIT, probeMarkdown } from '../../shared/probeRules';
import { DEFAULT_SEED } from '../../shared/recipeDefaults';
import { confinePath } from '../security/confinePath';
import { workspaceRoots, type Services } from '../services';
import { requireTrust, showFailure } from './fineTune';
import * as P from '../../shared/trainerProtocol';

export async function compareBases(s: Services, arg: unknown): Promise<void> {
  if (!requireTrust()) return;
  try {
    const { folder, base } = target(s, arg);
    const inside = confinePath(folder, workspaceRoots(), { what: 'dataset folder' });
    if (!inside.ok) throw new Error(inside.reason);
    const bases = [...new Set<string>([...BUILTIN_BASES, base])];
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Transfer Studio: comparing {0} base(s) on {1}', bases.length, inside.path),
        cancellable: true,
      },
      async (_p, token) =>
        (await s.trainer.get()).sendRequest(
          P.probe,
          {
            folder: inside.path,
            bases,
            cacheDir: s.trainer.cacheDir,
            seed: DEFAULT_SEED,
            validationSplit: PROBE_VALIDATION_SPLIT,
          },
          token,
        ),
    );
    s.log.info(
      `Compare Bases on ${inside.path}: ${result.recommended ? `recommended ${result.recommended}: ` : ''}${result.reason}`,
    );
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: probeMarkdown(result) });
    await vscode.window.showTextDocument(doc, { preview: true });
  } catch (e) {
    await showFailure(s, vscode.l10n.t('Compare Bases failed: {0}', (e as Error).message));
  }
}

/** The folder and the base in use: from a recipe file, an Explorer folder, or the studio's choices. */
function target(s: Services, arg: unknown): { folder: string; base: string } {
  const uri =
    typeof arg === 'string'
      ? arg.includes('://')
        ? vscode.Uri.parse(arg)
        : vscode.Uri.file(arg)
      : arg instanceof vscode.Uri
        ? arg
        : undefined;
  if (uri?.fsPath.endsWith('.recipe.yaml')) {
    const recipe = loadRecipe(uri.fsPath);
    return { folder: recipe.data, base: recipe.base };
  }
  const folder = uri?.fsPath ?? s.studio.choices.dataFolder;
  if (!folder) throw new Error(vscode.l10n.t('Choose a dataset folder first (right-click it in the Explorer).'));
  return { folder, base: s.studio.choices.base };
}
