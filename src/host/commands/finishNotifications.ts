// What the user sees when a training ends: the result with its next steps, or one clear reason.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FinishedTraining, TrainingJob } from '../training/trainingService';
import { buildEvaluationView } from '../runs/runReport';
import type { Services } from '../services';
import { readRunRecipe } from '../runs/runStore';
import { resultSummary } from '../../shared/resultSummary';

// Button labels, translated once (vscode.l10n: English unless a bundle for the display language ships).
const RESUME = () => vscode.l10n.t('Resume');
const SHOW_LOG = () => vscode.l10n.t('Show Log');
const OPEN_REPORT = () => vscode.l10n.t('Open Report');
const REVEAL_MODEL = () => vscode.l10n.t('Reveal Model');
const TRAIN_AGAIN = () => vscode.l10n.t('Train Again');

export async function announceFinish(s: Services, done: FinishedTraining): Promise<void> {
  s.runsView.refresh();
  const { result, error, job } = done;
  if (error !== undefined) {
    // A crash after a checkpoint (the trainer was killed, ran out of memory…) can continue from it.
    const resumable = done.resumableRunDir;
    const action = await vscode.window.showErrorMessage(
      vscode.l10n.t('Transfer Studio: training "{0}" failed: {1}', job.label, error),
      ...(resumable ? [RESUME(), SHOW_LOG()] : [SHOW_LOG()]),
    );
    if (action === RESUME() && resumable) await vscode.commands.executeCommand('transferStudio.resumeRun', resumable);
    if (action === SHOW_LOG()) s.log.show();
    return;
  }
  if (!result) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Training cancelled: "{0}" stopped before its first epoch finished, so there is no checkpoint to keep.',
        job.label,
      ),
    );
    return;
  }
  const name = path.basename(result.runDir);
  const rel = vscode.workspace.asRelativePath(result.runDir);
  if (result.cancelled) {
    const epochs = result.transfer.history.length;
    const text =
      epochs === 1
        ? vscode.l10n.t('Training cancelled after 1 epoch; the last checkpoint is kept in {0}/checkpoint.', rel)
        : vscode.l10n.t(
            'Training cancelled after {0} epochs; the last checkpoint is kept in {1}/checkpoint.',
            epochs,
            rel,
          );
    const action = await vscode.window.showWarningMessage(text, RESUME(), SHOW_LOG());
    if (action === RESUME()) await vscode.commands.executeCommand('transferStudio.resumeRun', result.runDir);
    if (action === SHOW_LOG()) s.log.show();
    return;
  }
  s.panel.showEvaluation(await buildEvaluationView(result.runDir, s.trainer));
  const message = vscode.l10n.t('Training finished: {0} — {1}.', name, resultSummary(result));
  s.log.info(message);
  const action = await vscode.window.showInformationMessage(message, OPEN_REPORT(), REVEAL_MODEL(), TRAIN_AGAIN());
  if (action === OPEN_REPORT()) await vscode.commands.executeCommand('transferStudio.openReport', result.runDir);
  if (action === REVEAL_MODEL()) await vscode.commands.executeCommand('transferStudio.revealModel', result.runDir);
  if (action === TRAIN_AGAIN()) await s.training.run(trainAgainJob(job, result.runDir));
}

/** "Train Again" is a new run with the same recipe: for a resumed run, the recipe its folder keeps. */
function trainAgainJob(job: TrainingJob, runDir: string): TrainingJob {
  if (!job.resumeRunDir) return job;
  const recipe = readRunRecipe(runDir);
  return { label: recipe.name ?? path.basename(recipe.data), recipe: { ...recipe, outputDir: path.dirname(runDir) } };
}
