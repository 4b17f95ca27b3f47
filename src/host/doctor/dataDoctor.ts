// Check Data (Explorer context menu on a folder, or the palette) and the actions on its findings. Nothing is
// moved, deleted or ignored without the user's click; moves and deletes are workspace edits, so the Explorer's
// Undo reverts them; ignores go into the data folder's ignore file.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DoctorFinding } from '../../shared/doctorTypes';
import { IGNORE_FILE, withIgnored } from '../../shared/ignoreFile';
import { DEFAULT_SEED } from '../../shared/recipeDefaults';
import * as P from '../../shared/trainerProtocol';
import { requireTrust, showFailure } from '../commands/fineTune';
import { confinePath } from '../security/confinePath';
import { workspaceRoots, type Services } from '../services';
import { DataIssuesView } from './dataIssuesView';

export function registerDataDoctor(s: Services): vscode.Disposable[] {
  const view = new DataIssuesView();
  const onFinding = (act: (f: DoctorFinding) => Promise<boolean>) => async (arg: unknown) => {
    const finding = DataIssuesView.findingOf(arg);
    if (!finding) return;
    try {
      if (await act(finding)) view.remove(finding);
    } catch (e) {
      await showFailure(s, vscode.l10n.t('Cannot change {0}: {1}', finding.path, (e as Error).message));
    }
  };
  const commands: Record<string, (arg: unknown) => unknown> = {
    checkData: (arg) => checkData(s, view, arg),
    moveToClass: onFinding((f) => moveToClass(f, view.report?.classes ?? [], view.report?.folder)),
    deleteFlagged: onFinding(deleteFlagged),
    ignoreFlagged: onFinding((f) => ignoreFlagged(f, view.report?.folder)),
  };
  return [
    view,
    ...Object.entries(commands).map(([name, run]) => vscode.commands.registerCommand(`transferStudio.${name}`, run)),
  ];
}

async function checkData(s: Services, view: DataIssuesView, arg: unknown): Promise<void> {
  if (!requireTrust()) return;
  try {
    const folder = arg instanceof vscode.Uri ? arg.fsPath : s.studio.choices.dataFolder;
    if (!folder) throw new Error(vscode.l10n.t('Choose a dataset folder first (right-click it in the Explorer).'));
    const inside = confinePath(folder, workspaceRoots(), { what: 'dataset folder' });
    if (!inside.ok) throw new Error(inside.reason);
    const report = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Transfer Studio: checking the images in {0}', path.basename(inside.path)),
        cancellable: true,
      },
      async (_p, token) =>
        (await s.trainer.get()).sendRequest(
          P.doctor,
          { folder: inside.path, base: s.studio.choices.base, cacheDir: s.trainer.cacheDir, seed: DEFAULT_SEED },
          token,
        ),
    );
    s.log.info(`Check Data on ${inside.path}: ${report.summary.flagged} of ${report.summary.examples} files flagged.`);
    view.show(report);
  } catch (e) {
    await showFailure(s, vscode.l10n.t('Check Data failed: {0}', (e as Error).message));
  }
}

/** Moves the file into the suggested class (label issues) or a class the user picks; false when nothing moved. */
async function moveToClass(f: DoctorFinding, classes: string[], folder: string | undefined): Promise<boolean> {
  if (!folder) return false;
  const target =
    f.suggestedClass ??
    (await vscode.window.showQuickPick(
      classes.filter((c) => c !== f.label),
      { placeHolder: vscode.l10n.t('Move {0} to the class…', path.basename(f.path)) },
    ));
  if (!target) return false;
  const edit = new vscode.WorkspaceEdit();
  const to = vscode.Uri.file(path.join(folder, target, path.basename(f.path)));
  edit.renameFile(vscode.Uri.file(f.path), to, { overwrite: false });
  return applied(await vscode.workspace.applyEdit(edit), to);
}

async function deleteFlagged(f: DoctorFinding): Promise<boolean> {
  const yes = vscode.l10n.t('Delete');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Delete {0}? The Explorer can undo it.', path.basename(f.path)),
    { modal: true },
    yes,
  );
  if (answer !== yes) return false;
  const edit = new vscode.WorkspaceEdit();
  edit.deleteFile(vscode.Uri.file(f.path), { ignoreIfNotExists: true });
  return applied(await vscode.workspace.applyEdit(edit), vscode.Uri.file(f.path));
}

/** Adds the file to the ignore file at the data folder's root (created on first use). */
async function ignoreFlagged(f: DoctorFinding, folder: string | undefined): Promise<boolean> {
  if (!folder) return false;
  const file = vscode.Uri.file(path.join(folder, IGNORE_FILE));
  const before = await vscode.workspace.fs.readFile(file).then(
    (b) => Buffer.from(b).toString('utf8'),
    () => '',
  );
  const text = withIgnored(before, [path.relative(folder, f.path)]);
  await vscode.workspace.fs.writeFile(file, Buffer.from(text, 'utf8'));
  return true;
}

function applied(ok: boolean, uri: vscode.Uri): boolean {
  if (!ok) throw new Error(vscode.l10n.t('the edit was refused (does {0} exist already?)', uri.fsPath));
  return true;
}
