// Fine-tuning on text from the editor: a folder of text classes or a .csv/.tsv/.jsonl table, trained by the
// trainer child process through the text protocol (src/shared/text/textProtocol.ts), then its report in the
// panel. Frozen features + a head: seconds, not minutes, so no epochs or batch settings are asked.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_SEED } from '../../shared/recipeDefaults';
import { TEXT_TABLE_EXTENSIONS, extensionOf } from '../../shared/text/textFiles';
import { TEXT_TEST_SPLIT } from '../../shared/text/textRecipe';
import * as T from '../../shared/text/textProtocol';
import { readTextRun } from '../../io/textRuns';
import { readSettings } from '../settings';
import { runsDirFor, type Services } from '../services';
import { withRequestProgress } from '../training/requestProgress';
import { showFailure } from '../commands/fineTune';
import { pickTextColumns } from './textColumnsPick';
import { textEvaluationView } from './textReport';
import { showTextDataset } from './textDatasetPreview';
import { textEmbeddingFrozen } from './textFreeze';
import { askEncoderUrl, textModelItems } from './textModelPick';
import { workspaceEncoders } from './workspaceEncoders';

/** Placeholder of the text model pick (the e2e scenarios wait for it). */
export const textModelPickFor = (name: string) => vscode.l10n.t('Text model for {0}', name);

export async function fineTuneText(s: Services, source: string): Promise<void> {
  const name = path.basename(source);
  const table = TEXT_TABLE_EXTENSIONS.includes(extensionOf(source));
  const columns = table ? await pickTextColumns(s.context.workspaceState, source) : {};
  if (!columns) return;
  const picked = await vscode.window.showQuickPick(textModelItems(s, await workspaceEncoders()), {
    placeHolder: textModelPickFor(name),
    ignoreFocusOut: true,
  });
  if (!picked) return;
  const base = picked.askUrl ? await askEncoderUrl() : picked.base;
  if (picked.askUrl && !base) return;
  let outputDir: string;
  try {
    outputDir = runsDirFor(source);
  } catch (e) {
    return void showFailure(s, (e as Error).message);
  }
  await trainTextModels(s, {
    source,
    columns,
    model: picked.model,
    base,
    outputDir,
    seed: DEFAULT_SEED,
    validationSplit: readSettings().training.validationSplit,
    testSplit: TEXT_TEST_SPLIT,
  });
}

/** Trains the text models (Fine-tune on This Folder/File, or a recipe on text data), then shows the report. */
export async function trainTextModels(s: Services, asked: T.TextTrainParams): Promise<void> {
  const params = { ...asked, freezeEmbedding: asked.freezeEmbedding ?? textEmbeddingFrozen(s.context.workspaceState) };
  const { source, columns } = params;
  const name = path.basename(source);
  // Queued in the trainer before the training: the Dataset tab fills while the models fit.
  void showTextDataset(s, {
    source,
    columns,
    seed: params.seed,
    validationSplit: params.validationSplit,
    testSplit: params.testSplit,
  });
  s.log.info(
    `Text training on ${source}: model ${params.model}, columns ${JSON.stringify(columns)}, ` +
      `embedding ${params.freezeEmbedding ? 'frozen' : 'fine-tuned'} → ${params.outputDir}`,
  );
  let result: T.TextRunResult;
  try {
    result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Transfer Studio: training text models on {0}', name),
        cancellable: true,
      },
      (progress, token) =>
        withRequestProgress(
          s.trainer.onProgress,
          (message) => progress.report({ message }),
          async () => (await s.trainer.get()).sendRequest(T.textTrain, params, token),
        ),
    );
  } catch (e) {
    return void showFailure(s, vscode.l10n.t('Text training failed: {0}', (e as Error).message));
  }
  await announceTextRun(s, result);
}

async function announceTextRun(s: Services, result: T.TextRunResult): Promise<void> {
  s.runsView.refresh();
  await s.textModels.setActive(result.runDir);
  const accuracy = (result.evaluation.accuracy * 100).toFixed(1);
  const message = vscode.l10n.t(
    'Text model trained: {0} — {1} % on {2} {3} texts, kept {4}.',
    path.basename(result.runDir),
    accuracy,
    result.evaluation.count,
    result.evaluatedOn,
    result.kept,
  );
  s.log.info(message);
  const frozen = textEmbeddingFrozen(s.context.workspaceState);
  s.panel.showEvaluation(textEvaluationView(result.runDir, readTextRun(result.runDir), frozen));
  const openReport = vscode.l10n.t('Open Report');
  const action = await vscode.window.showInformationMessage(message, openReport);
  if (action === openReport) await vscode.commands.executeCommand('transferStudio.openReport', result.runDir);
}
