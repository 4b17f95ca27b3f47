// Check Data (Explorer context menu on a folder, or the palette) and the actions on its findings. Nothing is
// moved, deleted or ignored without the user's click. Moves and deletes are workspace edits, but the Explorer's
// Undo reverts only the Explorer's own edits (Code 1.139 applies an extension's edit with no undo source), so a
// move offers its own Undo; a delete goes to the trash where the system has one. Ignores go into the data
// folder's ignore file.
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
    moveToClass: onFinding((f) => moveToClass(s, view, f)),
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
async function moveToClass(s: Services, view: DataIssuesView, f: DoctorFinding): Promise<boolean> {
  const folder = view.report?.folder;
  if (!folder) return false;
  const target =
    f.suggestedClass ??
    (await vscode.window.showQuickPick(
      (view.report?.classes ?? []).filter((c) => c !== f.label),
      { placeHolder: vscode.l10n.t('Move {0} to the class…', path.basename(f.path)) },
    ));
  if (!target) return false;
  const to = vscode.Uri.file(path.join(folder, target, path.basename(f.path)));
  await rename(vscode.Uri.file(f.path), to);
  void offerUndo(s, view, f, to);
  return true;
}

/** The move's notification, with an Undo that moves the file back and lists the finding again. */
async function offerUndo(s: Services, view: DataIssuesView, f: DoctorFinding, to: vscode.Uri): Promise<void> {
  const undo = vscode.l10n.t('Undo');
  const name = path.basename(f.path);
  const answer = await vscode.window.showInformationMessage(
    vscode.l10n.t('Moved {0} from "{1}" to "{2}".', name, f.label, path.basename(path.dirname(to.fsPath))),
    undo,
  );
  if (answer !== undo) return;
  try {
    await rename(to, vscode.Uri.file(f.path));
    view.restore(f);
  } catch (e) {
    await showFailure(s, vscode.l10n.t('Cannot move {0} back: {1}', name, (e as Error).message));
  }
}

async function rename(from: vscode.Uri, to: vscode.Uri): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.renameFile(from, to, { overwrite: false });
  applied(await vscode.workspace.applyEdit(edit), to);
}

async function deleteFlagged(f: DoctorFinding): Promise<boolean> {
  const yes = vscode.l10n.t('Delete');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Delete {0}?', path.basename(f.path)),
    { modal: true, detail: vscode.l10n.t('It goes to the trash where the system has one.') },
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
