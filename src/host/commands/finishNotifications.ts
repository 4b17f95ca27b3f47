// What the user sees when a training ends: the result with its next steps, or one clear reason.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FinishedTraining, TrainingJob } from '../training/trainingService';
import { buildEvaluationView } from '../runs/runReport';
import type { Services } from '../services';
import { readRunRecipe } from '../runs/runStore';
import { resultSummary } from '../../shared/resultSummary';

export async function announceFinish(s: Services, done: FinishedTraining): Promise<void> {
  s.runsView.refresh();
  const { result, error, job } = done;
  if (error !== undefined) {
    // A crash after a checkpoint (the trainer was killed, ran out of memory…) can continue from it.
    const resumable = done.resumableRunDir;
    const action = await vscode.window.showErrorMessage(`Transfer Studio: training "${job.label}" failed: ${error}`, ...(resumable ? ['Resume', 'Show Log'] : ['Show Log']));
    if (action === 'Resume' && resumable) await vscode.commands.executeCommand('transferStudio.resumeRun', resumable);
    if (action === 'Show Log') s.log.show();
    return;
  }
  if (!result) {
    void vscode.window.showWarningMessage(`Training cancelled: "${job.label}" stopped before its first epoch finished, so there is no checkpoint to keep.`);
    return;
  }
  const name = path.basename(result.runDir);
  const rel = vscode.workspace.asRelativePath(result.runDir);
  if (result.cancelled) {
    const epochs = result.transfer.history.length;
    const action = await vscode.window.showWarningMessage(`Training cancelled after ${epochs} epoch${epochs === 1 ? '' : 's'}; the last checkpoint is kept in ${rel}/checkpoint.`, 'Resume', 'Show Log');
    if (action === 'Resume') await vscode.commands.executeCommand('transferStudio.resumeRun', result.runDir);
    if (action === 'Show Log') s.log.show();
    return;
  }
  s.panel.showEvaluation(await buildEvaluationView(result.runDir, s.trainer));
  const message = `Training finished: ${name} — ${resultSummary(result)}.`;
  s.log.info(message);
  const action = await vscode.window.showInformationMessage(message, 'Open Report', 'Reveal Model', 'Train Again');
  if (action === 'Open Report') await vscode.commands.executeCommand('transferStudio.openReport', result.runDir);
  if (action === 'Reveal Model') await vscode.commands.executeCommand('transferStudio.revealModel', result.runDir);
  if (action === 'Train Again') await s.training.run(trainAgainJob(job, result.runDir));
}

/** "Train Again" is a new run with the same recipe: for a resumed run, the recipe its folder keeps. */
function trainAgainJob(job: TrainingJob, runDir: string): TrainingJob {
  if (!job.resumeRunDir) return job;
  const recipe = readRunRecipe(runDir);
  return { label: recipe.name ?? path.basename(recipe.data), recipe: { ...recipe, outputDir: path.dirname(runDir) } };
}
