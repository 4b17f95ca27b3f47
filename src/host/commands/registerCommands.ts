// Every command of the extension, wired to its implementation.
import * as vscode from 'vscode';
import { confinePath } from '../security/confinePath';
import { workspaceRoots, type Services } from '../services';
import { LayersView } from '../views/layersView';
import { fineTuneFolder, showFailure, startFromChoices, trainSourceFolder } from './fineTune';
import { pickBase } from './basePicker';
import { trainRecipe, saveAsRecipe } from './recipeCommands';
import { compareBases } from './compareBases';
import { deleteRun, evaluateRun, extractFeatures, openReport, predictImage, resumeRun, revealModel } from './runCommands';
import { allRunsDirs } from '../services';

export function registerCommands(s: Services): vscode.Disposable[] {
  const layerCommand = (apply: (layer: string) => void) => (arg: unknown) => {
    const layer = LayersView.layerOf(arg);
    if (layer) apply(layer);
  };
  const commands: Record<string, (...args: unknown[]) => unknown> = {
    fineTuneFolder: (uri) => fineTuneFolder(s, uri),
    trainSourceFolder: (uri) => trainSourceFolder(s, uri),
    extractFeatures: (uri) => extractFeatures(s, uri),
    predictImage: (arg, selected) => predictImage(s, arg, selected as unknown[] | undefined),
    evaluateRun: (arg) => evaluateRun(s, arg),
    resumeRun: (arg) => resumeRun(s, arg),
    openReport: (arg) => openReport(s, arg),
    revealModel: (arg) => revealModel(s, arg),
    deleteRun: (arg) => deleteRun(s, arg),
    refreshRuns: () => s.runsView.refresh(),
    saveAsRecipe: (arg) => saveAsRecipe(s, arg),
    trainRecipe: (arg) => trainRecipe(s, arg),
    trainRecipeCompare: (arg) => trainRecipe(s, arg, true),
    compareBases: (arg) => compareBases(s, arg),
    cancelTraining: () => {
      if (!s.training.cancel()) void vscode.window.showInformationMessage('No training is running.');
    },
    openPanel: () => {
      s.panel.show();
      if (!s.studio.base && !s.studio.baseError) void s.studio.ensureBase().catch(() => undefined);
    },
    chooseBase: async () => {
      const spec = await pickBase('the next training', allRunsDirs());
      if (spec) await s.studio.setBase(spec).catch((e: Error) => showFailure(s, `Cannot load the base model: ${e.message}`));
    },
    startTraining: () => startFromChoices(s, 'transfer'),
    openImage: (file) => {
      const inside = confinePath(String(file), workspaceRoots(), { what: 'image' });
      if (!inside.ok) return void s.log.warn(`Refused to open a file from the panel: ${inside.reason}`);
      void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(inside.path), { preview: true });
    },
    freezeUpToHere: layerCommand((l) => s.studio.freezeUpTo(l)),
    unfreezeFromHere: layerCommand((l) => s.studio.unfreezeFrom(l)),
    useAsFeatureLayer: layerCommand((l) => s.studio.setFeatureLayer(l)),
  };
  return Object.entries(commands).map(([name, run]) => vscode.commands.registerCommand(`transferStudio.${name}`, run));
}
