// Entry of the extension host: builds the services and registers what the user can do. Nothing heavy
// runs here: the trainer child process starts on first use, the language server when a recipe opens.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommands } from './host/commands/registerCommands';
import { registerDataDoctor } from './host/doctor/dataDoctor';
import { announceFinish } from './host/commands/finishNotifications';
import { startFromChoices } from './host/commands/fineTune';
import { exportRunCommand } from './host/commands/exportRunCommand';
import { startFromChoicesOnRay } from './host/commands/rayCommands';
import { DatasetService } from './host/datasets/datasetService';
import { TrainingPanel } from './host/panel/trainingPanel';
import { allRunsDirs, openWorkspaceImage, type Services } from './host/services';
import { findLastRun } from './host/runs/lastRun';
import { readSettings } from './host/settings';
import { RecipeSync } from './host/recipeSync';
import { startRecipeClientOnDemand } from './host/languageClient/recipeLanguageClient';
import { StudioState } from './host/studioState';
import { HostTrainerProcess } from './host/hostTrainerProcess';
import { ProgressJournal } from './host/training/progressJournal';
import { TrainingService } from './host/training/trainingService';
import { DatasetsView } from './host/views/datasetsView';
import { LayersView } from './host/views/layersView';
import { RunsView } from './host/views/runsView';
import { ActiveTextModel } from './host/text/activeTextModel';
import { setTextEmbeddingFrozen } from './host/text/textFreeze';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const activationStarted = Date.now();
  const log = vscode.window.createOutputChannel('Transfer Studio', { log: true });
  const cacheDir = path.join(context.globalStorageUri.fsPath, 'cache');
  const trainer = new HostTrainerProcess(context.extensionUri, log, cacheDir);
  const studio = new StudioState(trainer, readSettings().training);
  const datasets = new DatasetService(studio, trainer, log);
  const storage = (context.storageUri ?? context.globalStorageUri).fsPath;
  const training = new TrainingService(trainer, log, new ProgressJournal(path.join(storage, 'progress-journal.jsonl')));
  const runsView = new RunsView(allRunsDirs, () => training.busy);
  const services: Services = {
    context,
    log,
    trainer,
    studio,
    datasets,
    training,
    runsView,
    textModels: new ActiveTextModel(context.workspaceState, allRunsDirs),
    // The panel's buttons call the services directly; only what the user may invoke is a command.
    panel: new TrainingPanel(
      context.extensionUri,
      studio,
      datasets,
      training,
      {
        startTraining: () => void startFromChoices(services, 'transfer'),
        openImage: (file) => openWorkspaceImage(log, file),
        exportRun: (runDir, format) => void exportRunCommand(services, runDir, format),
        startTrainingOnRay: () => void startFromChoicesOnRay(services),
        setTextEmbeddingFrozen: (frozen) => void setTextEmbeddingFrozen(services, frozen),
      },
      log,
    ),
  };
  context.subscriptions.push(
    log,
    trainer,
    studio,
    datasets,
    training,
    runsView,
    services.textModels,
    services.panel,
    new LayersView(studio),
    new DatasetsView(datasets),
    new RecipeSync(studio, log),
    training.onDidFinish((done) => void announceFinish(services, done)),
    // Trust granted: the panel's controls come alive without a reload.
    vscode.workspace.onDidGrantWorkspaceTrust(() => services.panel.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('transferStudio')) {
        studio.updateSettings(readSettings().training);
        runsView.refresh();
      }
    }),
    ...registerCommands(services),
    ...registerDataDoctor(services),
    startRecipeClientOnDemand(context, { cacheDir, outputChannel: log }),
  );
  // The last run is read with asynchronous I/O: the extension host's thread stays free meanwhile, and VS Code
  // waits for activate() before it revives the panel or fills the views, so they still see that run.
  const last = await findLastRun(allRunsDirs()).catch((e: unknown) => {
    log.warn(`Could not look up the last run: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  });
  if (last) {
    training.restoreLast(last);
    // The studio picks up where the last (image) run left off: its data, base, cut and frozen layers.
    if (vscode.workspace.isTrusted && last.kind === 'image') studio.deferRestore(last.dir);
  }
  log.info(
    `Transfer Studio ${context.extension.packageJSON.version as string} activated in ${Date.now() - activationStarted} ms (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'in Restricted Mode: training disabled'}).`,
  );
}

export function deactivate(): void {
  // Disposables registered in activate() stop the trainer and the language server.
}
