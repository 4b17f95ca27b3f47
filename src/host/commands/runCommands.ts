// Commands on saved runs: report, reveal, evaluate on a folder, predict images, resume, delete.
import { runFile } from '../../io/runFiles';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_SEED } from '../../shared/recipeDefaults';
import { buildEvaluationView } from '../runs/runReport';
import { listRuns } from '../runs/runStore';
import { isInside } from '../security/confinePath';
import { allRunsDirs, workspaceRoots, type Services } from '../services';
import { withRequestProgress } from '../training/requestProgress';
import { RunsView, statusWord } from '../views/runsView';
import { chooseDataFolder, requireTrust, showFailure } from './fineTune';
import * as P from '../../shared/trainerProtocol';
import { isTextRunFolder, readTextRun } from '../../io/textRuns';
import { textEvaluationView } from '../text/textReport';
import { textEmbeddingFrozen } from '../text/textFreeze';

/** A text run's report, or undefined (logged) when its text-run.json is damaged. */
function textReport(s: Services, dir: string) {
  try {
    return textEvaluationView(dir, readTextRun(dir), textEmbeddingFrozen(s.context.workspaceState));
  } catch (e) {
    s.log.warn((e as Error).message);
    return undefined;
  }
}

/** The run of a command argument, or one the user picks (newest first). */
export async function runOf(arg: unknown, placeHolder: string, finishedOnly = true): Promise<string | undefined> {
  const dir = RunsView.dirOf(arg);
  if (dir) return dir;
  const runs = listRuns(allRunsDirs()).filter((r) => !finishedOnly || (r.status === 'finished' && r.hasModel));
  if (runs.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'No finished runs in this workspace yet. Right-click a folder of images and choose "Fine-tune on This Folder".',
      ),
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    runs.map((r) => ({
      label: r.name,
      description:
        r.bestValAccuracy === undefined
          ? statusWord(r.status)
          : vscode.l10n.t('{0} % val', (r.bestValAccuracy * 100).toFixed(1)),
      dir: r.dir,
    })),
    { placeHolder },
  );
  return picked?.dir;
}

export async function openReport(s: Services, arg: unknown): Promise<void> {
  const dir = await runOf(arg, vscode.l10n.t('Run to report on'), false);
  if (!dir) return;
  s.panel.show();
  const view = isTextRunFolder(dir) ? textReport(s, dir) : await buildEvaluationView(dir, s.trainer);
  if (view) s.panel.showEvaluation(view, true);
  else
    void vscode.window.showInformationMessage(
      vscode.l10n.t('{0} has no evaluation yet (it did not finish). Resume it from the Runs view.', path.basename(dir)),
    );
}

export async function revealModel(_s: Services, arg: unknown): Promise<void> {
  const dir = await runOf(arg, vscode.l10n.t('Run whose model to reveal'));
  if (dir) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(path.join(dir, 'model.json')));
}

export async function evaluateRun(s: Services, arg: unknown): Promise<void> {
  if (!requireTrust()) return;
  const dir = await runOf(arg, vscode.l10n.t('Run to evaluate'));
  if (!dir) return;
  const folder = await chooseDataFolder(undefined);
  if (!folder) return;
  try {
    const evaluation = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Transfer Studio: evaluating {0} on {1}', path.basename(dir), path.basename(folder)),
        cancellable: true,
      },
      async (progress, token) =>
        withRequestProgress(
          s.trainer.onProgress,
          (message) => progress.report({ message }),
          async () => (await s.trainer.get()).sendRequest(P.evaluate, { runDir: dir, folder }, token),
        ),
    );
    const misclassified = await (
      await s.trainer.get()
    ).sendRequest(P.thumbnails, { files: evaluation.misclassified.slice(0, 24).map((m) => m.path), size: 96 });
    s.panel.show();
    s.panel.showEvaluation({ runDir: dir, evaluatedOn: 'test', evaluation, misclassified, transferHistory: [] }, true);
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        '{0} on {1}: accuracy {2} % over {3} images.',
        path.basename(dir),
        path.basename(folder),
        (evaluation.accuracy * 100).toFixed(1),
        evaluation.count,
      ),
    );
  } catch (e) {
    await showFailure(s, vscode.l10n.t('Evaluation failed: {0}', (e as Error).message));
  }
}

export async function predictImage(s: Services, arg: unknown, selected?: unknown[]): Promise<void> {
  if (!requireTrust()) return;
  const fromExplorer = arg instanceof vscode.Uri;
  const dir = await runOf(fromExplorer ? undefined : arg, vscode.l10n.t('Run (model) to predict with'));
  if (!dir) return;
  let images = fromExplorer
    ? ((selected as vscode.Uri[] | undefined)?.length ? (selected as vscode.Uri[]) : [arg]).map((u) => u.fsPath)
    : [];
  if (!images.length) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: true,
      openLabel: vscode.l10n.t('Predict'),
      filters: { [vscode.l10n.t('Images')]: ['png', 'jpg', 'jpeg', 'gif', 'bmp', 'webp', 'tif', 'tiff'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    images = picked?.map((u) => u.fsPath) ?? [];
  }
  if (!images.length) return;
  try {
    const outcomes = await (await s.trainer.get()).sendRequest(P.predictEach, { runDir: dir, images });
    // The user picked these images: the first that cannot be read fails the command, naming it.
    const failed = outcomes.find(P.isPredictionFailure);
    if (failed) throw new Error(`Cannot read ${failed.path}: ${failed.error}.`);
    const predictions = outcomes as P.Prediction[];
    for (const p of predictions) {
      const others = Object.entries(p.scores)
        .filter(([label]) => label !== p.label)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 2)
        .map(([label, score]) => `${label} ${(score * 100).toFixed(1)} %`)
        .join(', ');
      s.log.info(
        `predict ${p.path}: ${p.label} ${(p.confidence * 100).toFixed(1)} %${others ? ` (then ${others})` : ''}`,
      );
    }
    const first = predictions[0];
    const summary =
      predictions.length === 1
        ? `${path.basename(first.path)}: ${first.label} (${(first.confidence * 100).toFixed(1)} %)`
        : vscode.l10n.t('{0} images classified; see the log for each.', predictions.length);
    const action = await vscode.window.showInformationMessage(summary, vscode.l10n.t('Show Log'));
    if (action) s.log.show();
  } catch (e) {
    await showFailure(s, vscode.l10n.t('Prediction failed: {0}', (e as Error).message));
  }
}

export async function resumeRun(s: Services, arg: unknown): Promise<void> {
  if (!requireTrust()) return;
  const dir = await runOf(arg, vscode.l10n.t('Run to resume'), false);
  if (dir) await s.training.run({ label: vscode.l10n.t('{0} (resumed)', path.basename(dir)), resumeRunDir: dir });
}

export async function deleteRun(s: Services, arg: unknown): Promise<void> {
  const dir = RunsView.dirOf(arg);
  if (!dir) return;
  // Only run folders inside the workspace's runs folders are ever deleted.
  if (!allRunsDirs().some((root) => isInside(path.resolve(dir), root)) || !fs.existsSync(runFile(dir, 'info'))) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('{0} is not a run folder of this workspace; nothing was deleted.', dir),
    );
    return;
  }
  const remove = vscode.l10n.t('Delete');
  const ok = await vscode.window.showWarningMessage(
    vscode.l10n.t('Delete the run {0} (model, checkpoint, metrics)?', path.basename(dir)),
    { modal: true },
    remove,
  );
  if (ok !== remove) return;
  await vscode.workspace.fs.delete(vscode.Uri.file(dir), { recursive: true, useTrash: false });
  s.runsView.refresh();
}

export async function extractFeatures(s: Services, uri: unknown): Promise<void> {
  if (!requireTrust()) return;
  const folder = await chooseDataFolder(uri);
  if (!folder) return;
  try {
    const base = await s.studio.ensureBase();
    const layers = base.layers.filter((l) => l.className !== 'InputLayer');
    const cut = s.studio.choices.featureLayer || base.defaultFeatureLayer;
    const items = [...layers].reverse().map((l) => ({
      label: l.name,
      description: `${l.className} [${l.outputShape.map((d) => d ?? '?').join(',')}]`,
      picked: l.name === cut,
    }));
    items.sort((a, b) => Number(b.label === cut) - Number(a.label === cut));
    const layer = await vscode.window.showQuickPick(items, {
      placeHolder: vscode.l10n.t(
        'Layer whose output becomes the embedding of each image in {0}',
        path.basename(folder),
      ),
    });
    if (!layer) return;
    const root = workspaceRoots().find((r) => isInside(folder, r));
    if (!root) throw new Error(vscode.l10n.t('{0} is outside the workspace folders.', folder));
    const outDir = path.join(
      allRunsDirs().find((d) => isInside(d, root)) ?? root,
      `embeddings-${path.basename(folder)}-${layer.label}`,
    );
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Transfer Studio: embedding {0} at {1}', path.basename(folder), layer.label),
        cancellable: true,
      },
      async (progress, token) =>
        withRequestProgress(
          s.trainer.onProgress,
          (message) => progress.report({ message }),
          async () =>
            (await s.trainer.get()).sendRequest(
              P.embed,
              {
                folder,
                base: s.studio.choices.base,
                layer: layer.label,
                outDir,
                cacheDir: s.trainer.cacheDir,
                classifier: 'logistic',
                seed: DEFAULT_SEED,
              },
              token,
            ),
        ),
    );
    const c = result.classifier;
    const fit = c
      ? ` ${vscode.l10n.t('A logistic-regression classifier on them reaches {0} % on {1} held-out images.', (c.accuracy * 100).toFixed(1), c.evaluatedOn)}`
      : '';
    const exported = vscode.l10n.t(
      'Exported {0} embeddings of {1} dimensions (CSV and .npy).',
      result.count,
      result.dims,
    );
    const action = await vscode.window.showInformationMessage(`${exported}${fit}`, vscode.l10n.t('Reveal'));
    if (action) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(result.csvPath));
  } catch (e) {
    await showFailure(s, vscode.l10n.t('Feature extraction failed: {0}', (e as Error).message));
  }
}
