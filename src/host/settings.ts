// The `transferStudio.*` settings, read in one place so every command trains with the same defaults.
import * as vscode from 'vscode';
import type { BackendPreference } from '../shared/engineTypes';
import type { TrainingSettings } from '../shared/panelProtocol';
import { defaultRecipe } from '../shared/recipeDefaults';
import { NUMBER_SETTINGS, settingsOfRecipe } from '../shared/trainingSettings';

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
  for (const key of NUMBER_SETTINGS) training[key] = c.get<number>(key, training[key]);
  training.augmentation = c.get<boolean>('augmentation', training.augmentation);
  return {
    training,
    runsFolder: c.get<string>('runsFolder', d.outputDir),
    backend: c.get<BackendPreference>('backend', 'auto'),
  };
}
