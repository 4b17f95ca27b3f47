// Every command of the extension, wired to its implementation.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { LayersView } from '../views/layersView';
import { RunsView } from '../views/runsView';
import { fineTuneFile, fineTuneFolder, showFailure, trainSourceFolder } from './fineTune';
import { pickBase } from './basePicker';
import { openSampleFolder } from './sampleFolder';
import { trainRecipe, saveAsRecipe } from './recipeCommands';
import { startFromChoicesOnRay, trainAgainOnRay, trainRecipeOnRay } from './rayCommands';
import { compareBases } from './compareBases';
import {
  deleteRun,
  evaluateRun,
  extractFeatures,
  openReport,
  predictImage,
  resumeRun,
  revealModel,
} from './runCommands';
import { allRunsDirs } from '../services';
import { exportRunCommand } from './exportRunCommand';
import { classifySelection, predictTextFile } from '../text/classifyText';

export function registerCommands(s: Services): vscode.Disposable[] {
  const layerCommand = (apply: (layer: string) => void) => (arg: unknown) => {
    const layer = LayersView.layerOf(arg);
    if (layer) apply(layer);
  };
  const commands: Record<string, (...args: unknown[]) => unknown> = {
    fineTuneFolder: (uri) => fineTuneFolder(s, uri),
    fineTuneFile: (uri) => fineTuneFile(s, uri),
    classifySelection: () => classifySelection(s),
    predictTextFile: (uri) => predictTextFile(s, uri),
    pickTextModel: (arg) => s.textModels.useOrPick(RunsView.dirOf(arg)),
    openSampleFolder: () => openSampleFolder(s),
    trainSourceFolder: (uri) => trainSourceFolder(s, uri),
    extractFeatures: (uri) => extractFeatures(s, uri),
    predictImage: (arg, selected) => predictImage(s, arg, selected as unknown[] | undefined),
    evaluateRun: (arg) => evaluateRun(s, arg),
    resumeRun: (arg) => resumeRun(s, arg),
    openReport: (arg) => openReport(s, arg),
    revealModel: (arg) => revealModel(s, arg),
    exportRun: (arg, format) => exportRunCommand(s, arg, format),
    deleteRun: (arg) => deleteRun(s, arg),
    refreshRuns: () => s.runsView.refresh(),
    saveAsRecipe: (arg) => saveAsRecipe(s, arg),
    trainRecipe: (arg) => trainRecipe(s, arg),
    trainRecipeCompare: (arg) => trainRecipe(s, arg, true),
    compareBases: (arg) => compareBases(s, arg),
    trainRecipeOnRay: (arg) => trainRecipeOnRay(s, arg),
    trainAgainOnRay: (arg) => trainAgainOnRay(s, arg),
    startTrainingOnRay: () => startFromChoicesOnRay(s),
    cancelTraining: () => {
      if (!s.training.cancel()) void vscode.window.showInformationMessage(vscode.l10n.t('No training is running.'));
    },
    openPanel: () => {
      s.panel.show();
      if (!s.studio.base && !s.studio.baseError) void s.studio.ensureBase().catch(() => undefined);
    },
    chooseBase: async () => {
      const spec = await pickBase(vscode.l10n.t('Base model for the next training'), allRunsDirs());
      if (spec)
        await s.studio
          .setBase(spec)
          .catch((e: Error) => showFailure(s, vscode.l10n.t('Cannot load the base model: {0}', e.message)));
    },
    freezeUpToHere: layerCommand((l) => s.studio.freezeUpTo(l)),
    unfreezeFromHere: layerCommand((l) => s.studio.unfreezeFrom(l)),
    useAsFeatureLayer: layerCommand((l) => s.studio.setFeatureLayer(l)),
  };
  return Object.entries(commands).map(([name, run]) => vscode.commands.registerCommand(`transferStudio.${name}`, run));
}
