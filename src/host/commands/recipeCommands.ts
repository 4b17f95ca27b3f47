// Recipe files as the source of a run: "Train" (CodeLens or palette) runs the file as written, and
// "Save as Recipe" writes the studio's current choices (or a run's recipe) into a new file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isPathLikeBase, loadRecipe, readRecipeFile } from '../../recipe/recipeFile';
import { isTextData } from '../../io/textSource';
import { textTrainParams } from '../../shared/text/textRecipe';
import { isEncoderUrl } from '../../shared/text/encoderMeta';
import { trainTextModels } from '../text/textFineTune';
import { recipeText } from '../../recipe/recipeText';
import type { TrainRecipe } from '../../shared/engineTypes';
import { confinePath } from '../security/confinePath';
import { runsDirFor, workspaceRoots, type Services } from '../services';
import { recipeFromChoices } from '../training/recipeFromChoices';
import { RunsView } from '../views/runsView';
import { requireTrust, showFailure } from './fineTune';
import { readRunRecipe } from '../runs/runStore';
import type { RayJob } from '../training/trainingService';

function recipeUriOf(arg: unknown): vscode.Uri | undefined {
  if (typeof arg === 'string') return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  if (arg instanceof vscode.Uri) return arg;
  const doc = vscode.window.activeTextEditor?.document;
  return doc && doc.fileName.endsWith('.recipe.yaml') ? doc.uri : undefined;
}

/** Trains the recipe file; with `onRay`, on the Ray cluster it picks (nothing happens when it returns undefined). */
export async function trainRecipe(
  s: Services,
  arg: unknown,
  compareScratch = false,
  onRay?: (r: TrainRecipe) => Promise<RayJob | undefined>,
): Promise<void> {
  if (!requireTrust()) return;
  const uri = recipeUriOf(arg);
  if (!uri) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a *.recipe.yaml file to train from it.'));
    return;
  }
  let recipe: TrainRecipe;
  try {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty) await doc.save();
    recipe = loadRecipe(uri.fsPath);
    const roots = workspaceRoots();
    const data = confinePath(recipe.data, roots, { what: 'dataset folder of the recipe' });
    if (!data.ok) throw new Error(data.reason);
    // Without an output folder in the file, runs go where the settings say, inside the workspace.
    const out =
      readRecipeFile(uri.fsPath).outputDir !== undefined
        ? confinePath(recipe.outputDir, roots, { what: 'output folder of the recipe' })
        : { ok: true as const, path: runsDirFor(data.path) };
    if (!out.ok) throw new Error(out.reason);
    // A base given as a path is read like data: only from inside the workspace.
    if (isPathLikeBase(recipe.base)) {
      const base = confinePath(recipe.base, roots, { what: 'base model of the recipe' });
      if (!base.ok) throw new Error(base.reason);
      recipe = { ...recipe, base: base.path };
    }
    // So is a text encoder's folder.
    if (recipe.text?.encoder && !isEncoderUrl(recipe.text.encoder)) {
      const encoder = confinePath(recipe.text.encoder, roots, { what: 'text encoder of the recipe' });
      if (!encoder.ok) throw new Error(encoder.reason);
      recipe = { ...recipe, text: { ...recipe.text, encoder: encoder.path } };
    }
    recipe = {
      ...recipe,
      data: data.path,
      outputDir: out.path,
      compareScratch: recipe.compareScratch || compareScratch,
      name: recipe.name ?? path.basename(uri.fsPath, '.recipe.yaml'),
    };
  } catch (e) {
    await showFailure(s, (e as Error).message);
    return;
  }
  if (isTextData(recipe.data)) {
    if (onRay) return void showFailure(s, vscode.l10n.t("Runs on Ray take images; this recipe's data is text."));
    return trainTextModels(s, textTrainParams(recipe));
  }
  const ray = onRay ? await onRay(recipe) : undefined;
  if (onRay && !ray) return;
  s.studio.setDataFolder(recipe.data);
  s.studio.bindRecipe(uri.fsPath);
  await s.training.run({ label: recipe.name!, recipe, ray });
}

export async function saveAsRecipe(s: Services, arg: unknown): Promise<void> {
  const runDir = RunsView.dirOf(arg);
  let recipe: TrainRecipe;
  try {
    if (runDir) {
      recipe = readRunRecipe(runDir);
    } else {
      const folder = s.studio.choices.dataFolder;
      if (!folder)
        throw new Error(
          vscode.l10n.t(
            'Choose a dataset first (right-click its folder and choose "Fine-tune on This Folder"), or save the recipe of a run from the Runs view.',
          ),
        );
      recipe = recipeFromChoices(s.studio.choices, s.studio.base, {
        mode: 'transfer',
        runsDir: runsDirFor(folder),
        name: path.basename(folder),
      });
    }
  } catch (e) {
    await showFailure(s, (e as Error).message);
    return;
  }
  const root = workspaceRoots()[0];
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(
      path.join(root ?? path.dirname(recipe.data), `${recipe.name ?? path.basename(recipe.data)}.recipe.yaml`),
    ),
    filters: { [vscode.l10n.t('Transfer Studio recipe')]: ['recipe.yaml'] },
    saveLabel: vscode.l10n.t('Save Recipe'),
  });
  if (!target) return;
  fs.writeFileSync(target.fsPath, recipeText(recipe, path.dirname(target.fsPath)));
  await vscode.window.showTextDocument(target);
}
