// The quick pick of base models: the built-in bases first (Enter takes MobileNetV2), then model.json and Keras files in
// the workspace, earlier runs (the develop-model approach reuses them), or a URL.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BUILTIN_BASE_INFO, BUILTIN_BASES, builtinBaseDetail } from '../../shared/builtinBases';
import { listRuns } from '../runs/runStore';

interface BaseItem extends vscode.QuickPickItem {
  spec?: string;
  askUrl?: boolean;
}

/**
 * A built-in base's folder size, or undefined when it is not built (the picker still lists it). The host runs
 * bundled as dist/extension.js, so the built-in models are in dist/models beside it.
 */
function builtinBytes(id: string): number | undefined {
  const dir = path.join(__dirname, 'models', id);
  try {
    return fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
  } catch {
    return undefined;
  }
}

/** `placeHolder`: the quick pick's question, translated by the caller ("Base model for {0}"). */
export async function pickBase(placeHolder: string, runsDirs: string[]): Promise<string | undefined> {
  const items: BaseItem[] = BUILTIN_BASES.map((id) => ({
    label: vscode.l10n.t('$(package) {0} (built-in)', BUILTIN_BASE_INFO[id].title),
    detail: builtinBaseDetail(id, builtinBytes(id)),
    spec: id,
  }));
  const runs = listRuns(runsDirs).filter((r) => r.status === 'finished' && r.hasModel);
  if (runs.length) {
    items.push({ label: vscode.l10n.t('Earlier runs'), kind: vscode.QuickPickItemKind.Separator });
    items.push(
      ...runs.map((r) => ({
        label: `$(history) ${r.name}`,
        description:
          r.bestValAccuracy === undefined
            ? r.mode
            : vscode.l10n.t('{0} · {1} % val', r.mode ?? '', (r.bestValAccuracy * 100).toFixed(1)),
        spec: r.dir,
      })),
    );
  }
  const runsSet = new Set(runs.map((r) => r.dir));
  const files = await vscode.workspace.findFiles(
    '**/{model.json,*.keras,*.h5}',
    '{**/node_modules/**,**/.transfer-studio/**}',
    50,
  );
  const models = files.map((f) => f.fsPath).filter((f) => !runsSet.has(path.dirname(f)));
  if (models.length) {
    items.push({ label: vscode.l10n.t('Models in the workspace'), kind: vscode.QuickPickItemKind.Separator });
    items.push(...models.map((f) => ({ label: `$(file) ${vscode.workspace.asRelativePath(f)}`, spec: f })));
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({
    label: vscode.l10n.t('$(link) Load from URL…'),
    detail: vscode.l10n.t('A TensorFlow.js LayersModel (model.json); downloaded once into the cache'),
    askUrl: true,
  });

  const picked = await vscode.window.showQuickPick(items, {
    placeHolder,
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  if (!picked?.askUrl) return picked?.spec;
  return vscode.window
    .showInputBox({
      prompt: vscode.l10n.t('URL of a TensorFlow.js LayersModel (model.json)'),
      placeHolder: 'https://example.com/models/my-model/model.json',
      ignoreFocusOut: true,
      validateInput: (v) =>
        /^https?:\/\/\S+$/i.test(v.trim()) ? undefined : vscode.l10n.t('Enter an http(s) URL of a model.json'),
    })
    .then((v) => v?.trim());
}
