// The extension host's long-lived parts, built once in activate() and handed to the commands.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { confinePath } from './security/confinePath';
import type { DatasetService } from './datasets/datasetService';
import type { TrainingPanel } from './panel/trainingPanel';
import { readSettings } from './settings';
import type { StudioState } from './studioState';
import type { HostTrainerProcess } from './hostTrainerProcess';
import type { TrainingService } from './training/trainingService';
import type { RunsView } from './views/runsView';
import type { ActiveTextModel } from './text/activeTextModel';

export interface Services {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  trainer: HostTrainerProcess;
  studio: StudioState;
  datasets: DatasetService;
  training: TrainingService;
  panel: TrainingPanel;
  runsView: RunsView;
  /** The text model Classify Selection uses. */
  textModels: ActiveTextModel;
}

export function workspaceRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

/** Opens an image the panel names, if it lies inside a workspace folder (the webview is untrusted). */
export function openWorkspaceImage(log: vscode.LogOutputChannel, file: string): void {
  const inside = confinePath(file, workspaceRoots(), { what: 'image' });
  if (!inside.ok) return void log.warn(`Refused to open a file from the panel: ${inside.reason}`);
  void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(inside.path), { preview: true });
}

/** The runs folder of every workspace folder (the setting is relative to each). */
export function allRunsDirs(): string[] {
  const runsFolder = readSettings().runsFolder;
  return workspaceRoots().map((root) => path.resolve(root, runsFolder));
}

/** The runs folder for a dataset: in the workspace folder that holds it, and never outside it. */
export function runsDirFor(dataFolder: string): string {
  const roots = workspaceRoots();
  const data = confinePath(dataFolder, roots, { what: 'dataset folder' });
  if (!data.ok) throw new Error(data.reason);
  const runs = confinePath(readSettings().runsFolder, [data.root], {
    relativeTo: data.root,
    what: 'runs folder (setting transferStudio.runsFolder)',
  });
  if (!runs.ok) throw new Error(runs.reason);
  return runs.path;
}
