// The `transferStudio.*` settings, read in one place so every command trains with the same defaults.
import * as vscode from 'vscode';
import type { BackendName } from '../shared/engineTypes';
import type { TrainingSettings } from '../shared/panelProtocol';
import { AUTO, DEFAULT_TIME_BUDGET_SECONDS, OFF } from '../shared/autoFlow';
import { defaultRecipe } from '../shared/recipeDefaults';

export interface HostSettings {
  training: TrainingSettings;
  runsFolder: string;
  backend: 'auto' | BackendName;
  /** Seconds the automatic flow may train (transferStudio.timeBudget). */
  timeBudget: number;
}

export function readSettings(): HostSettings {
  const c = vscode.workspace.getConfiguration('transferStudio');
  const d = defaultRecipe('');
  return {
    training: {
      epochs: c.get<number | 'auto'>('epochs', d.epochs),
      learningRate: c.get<number>('learningRate', d.learningRate),
      batchSize: c.get<number>('batchSize', d.batchSize),
      validationSplit: c.get<number>('validationSplit', d.validationSplit),
      augmentation: c.get<boolean>('augmentation', false),
      secondPhase: secondPhaseSetting(c.get<string>('secondPhase', AUTO)),
      compareScratch: false,
    },
    runsFolder: c.get<string>('runsFolder', d.outputDir),
    backend: c.get<'auto' | BackendName>('backend', 'auto'),
    timeBudget: c.get<number>('timeBudget', d.timeBudget ?? DEFAULT_TIME_BUDGET_SECONDS),
  };
}

/** transferStudio.secondPhase: auto (the engine decides), on (the top block, always) or off. */
function secondPhaseSetting(v: string): boolean | 'auto' {
  return v === OFF ? false : v === AUTO ? AUTO : true;
}
