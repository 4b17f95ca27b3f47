// The `transferStudio.*` settings, read in one place so every command trains with the same defaults.
import * as vscode from 'vscode';
import type { BackendName } from '../shared/engineTypes';
import type { TrainingSettings } from '../shared/panelProtocol';
import { defaultRecipe } from '../shared/recipeDefaults';

export interface HostSettings {
  training: TrainingSettings;
  runsFolder: string;
  backend: 'auto' | BackendName;
}

export function readSettings(): HostSettings {
  const c = vscode.workspace.getConfiguration('transferStudio');
  const d = defaultRecipe('');
  return {
    training: {
      epochs: c.get<number>('epochs', d.epochs),
      learningRate: c.get<number>('learningRate', d.learningRate),
      batchSize: c.get<number>('batchSize', d.batchSize),
      validationSplit: c.get<number>('validationSplit', d.validationSplit),
      augmentation: c.get<boolean>('augmentation', false),
      secondPhase: false,
      compareScratch: false,
    },
    runsFolder: c.get<string>('runsFolder', d.outputDir),
    backend: c.get<'auto' | BackendName>('backend', 'auto'),
  };
}
