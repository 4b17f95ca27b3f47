// The right-click flow: pick a base, confirm, train. "Enter, Enter" starts a sensible run: the built-in
// MobileNetV2 with its base frozen and a new head, settings from `transferStudio.*`.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TrainRecipe } from '../../shared/engineTypes';
import { allRunsDirs, runsDirFor, type Services } from '../services';
import { recipeFromChoices } from '../training/recipeFromChoices';
import type { RayJob } from '../training/trainingService';
import { pickBase } from './basePicker';
import { isTextData } from '../../io/textSource';
import { TEXT_TABLE_EXTENSIONS } from '../../shared/text/textFiles';
import { fineTuneText } from '../text/textFineTune';

/** Training needs a trusted workspace: it reads the workspace's files and writes run folders into it. */
export function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(
      vscode.l10n.t(
        "Transfer Studio cannot train in Restricted Mode: training reads this workspace's data (images or texts) and models and writes run folders into it. Trust the workspace to train.",
      ),
      vscode.l10n.t('Manage Workspace Trust'),
    )
    .then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}

export async function chooseDataFolder(uri: unknown): Promise<string | undefined> {
  if (uri instanceof vscode.Uri) return uri.fsPath;
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    openLabel: vscode.l10n.t('Use as Dataset'),
    title: vscode.l10n.t('Folder with one subfolder per class (images or texts)'),
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0]?.fsPath;
}

export async function fineTuneFolder(s: Services, uri: unknown): Promise<void> {
  if (!requireTrust()) return;
  const folder = await chooseDataFolder(uri);
  if (!folder) return;
  // A folder of text classes trains text models: the host tells, the image flow never sees it.
  if (isTextData(folder)) return fineTuneText(s, folder);
  const name = path.basename(folder);
  const spec = await pickBase(vscode.l10n.t('Base model for {0}', name), allRunsDirs());
  if (!spec) return;
  // The right-click flow starts from the studio's choices, not from whatever recipe was open.
  s.studio.bindRecipe(undefined);
  s.studio.setDataFolder(folder);
  try {
    if (spec !== s.studio.choices.base || !s.studio.base) {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Transfer Studio: loading {0}', spec) },
        () => s.studio.setBase(spec),
      );
    }
  } catch (e) {
    void showFailure(s, vscode.l10n.t('Cannot load the base model: {0}', (e as Error).message));
    return;
  }
  const c = s.studio.choices.settings;
  const frozen = s.studio.choices.frozen.length;
  const weighted = s.studio.keptLayers.filter((l) => l.hasWeights).length;
  const start = {
    label: vscode.l10n.t('$(play) Start training'),
    detail: vscode.l10n.t(
      '{0} epochs · learning rate {1} · batch {2} · {3} of {4} base layers frozen · cut at {5}',
      c.epochs,
      c.learningRate,
      c.batchSize,
      frozen,
      weighted,
      s.studio.choices.featureLayer,
    ),
  };
  const panel = {
    label: vscode.l10n.t('$(graph-line) Open Training Panel'),
    detail: vscode.l10n.t('Choose which layers train, the cut and the settings, and watch the charts'),
  };
  const settings = {
    label: vscode.l10n.t('$(settings-gear) Edit settings…'),
    detail: vscode.l10n.t('Epochs, batch size, learning rate, validation split, runs folder, backend'),
  };
  const picked = await vscode.window.showQuickPick([start, panel, settings], {
    placeHolder: vscode.l10n.t('Start training on {0}', name),
    ignoreFocusOut: true,
  });
  if (picked === panel) return s.panel.show();
  if (picked === settings)
    return void vscode.commands.executeCommand('workbench.action.openSettings', '@ext:transfer-studio.transfer-studio');
  if (picked === start) await startFromChoices(s, 'transfer');
}

/** "Fine-tune on This File": a .csv/.tsv/.jsonl table of texts and labels. */
export async function fineTuneFile(s: Services, uri: unknown): Promise<void> {
  if (!requireTrust()) return;
  let file = uri instanceof vscode.Uri ? uri.fsPath : undefined;
  if (!file) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: vscode.l10n.t('Use as Dataset'),
      filters: { [vscode.l10n.t('Tables of texts')]: TEXT_TABLE_EXTENSIONS.map((e) => e.slice(1)) },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    file = picked?.[0]?.fsPath;
  }
  if (file) await fineTuneText(s, file);
}

/** Trains with the studio's current choices (the panel's Start button uses this too). */
export async function startFromChoices(
  s: Services,
  mode: TrainRecipe['mode'],
  onRay?: (r: TrainRecipe) => Promise<RayJob | undefined>,
): Promise<void> {
  if (!requireTrust()) return;
  let recipe: TrainRecipe;
  try {
    const folder = s.studio.choices.dataFolder;
    if (!folder)
      throw new Error(
        vscode.l10n.t(
          'Choose a dataset first: right-click a folder with one subfolder of images per class and choose "Fine-tune on This Folder".',
        ),
      );
    if (mode === 'transfer') await s.studio.ensureBase();
    recipe = recipeFromChoices(s.studio.choices, s.studio.base, {
      mode,
      runsDir: runsDirFor(folder),
      name: path.basename(folder) + (mode === 'source' ? '-source' : ''),
    });
  } catch (e) {
    void showFailure(s, (e as Error).message);
    return;
  }
  const ray = onRay ? await onRay(recipe) : undefined;
  if (onRay && !ray) return;
  await s.training.run({ label: recipe.name ?? path.basename(recipe.data), recipe, ray });
}

export async function trainSourceFolder(s: Services, uri: unknown): Promise<void> {
  if (!requireTrust()) return;
  const folder = await chooseDataFolder(uri);
  if (!folder) return;
  s.studio.setDataFolder(folder);
  await startFromChoices(s, 'source');
}

export async function showFailure(s: Services, message: string): Promise<void> {
  const action = await vscode.window.showErrorMessage(message, vscode.l10n.t('Show Log'));
  if (action) s.log.show();
}
