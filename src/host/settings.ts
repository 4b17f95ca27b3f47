// The `transferStudio.*` settings, read in one place so every command trains with the same defaults.
import * as vscode from 'vscode';
import type { BackendPreference } from '../shared/engineTypes';
import type { TrainingSettings } from '../shared/panelProtocol';
import { defaultRecipe } from '../shared/recipeDefaults';
import { NUMBER_SETTINGS, secondPhaseSetting, settingProblem, settingsOfRecipe } from '../shared/trainingSettings';

export interface HostSettings {
  training: TrainingSettings;
  runsFolder: string;
  backend: BackendPreference;
}

export function readSettings(): HostSettings {
  const c = vscode.workspace.getConfiguration('transferStudio');
  const d = defaultRecipe('');
  // Settings the user left alone take the recipe defaults; package.json declares the same ones (a unit test checks).
  const training = settingsOfRecipe({});
  // A value the settings editor let through that the recipe refuses (epochs "ten") keeps the default.
  for (const key of NUMBER_SETTINGS) {
    const v = c.get<unknown>(key);
    if (settingProblem(key, v) === undefined) training[key] = v as number;
  }
  training.augmentation = c.get<boolean>('augmentation', training.augmentation);
  training.secondPhase = secondPhaseSetting(c.get<string>('secondPhase'));
  return {
    training,
    runsFolder: c.get<string>('runsFolder', d.outputDir),
    backend: c.get<BackendPreference>('backend', 'auto'),
  };
}
