// "Open a Sample Folder" (the walkthrough's first step): copies the sample images shipped in the extension
// (media/sample-data: three Fashion-MNIST classes, 30 images each) into the workspace, or into a folder the
// user picks when no folder is open, so a first fine-tune needs no data of one's own.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { workspaceRoots, type Services } from '../services';

/** Name of the copy; an existing one is reused, never overwritten. */
export const SAMPLE_FOLDER_NAME = 'transfer-studio-sample';

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

export async function openSampleFolder(s: Services): Promise<void> {
  const source = vscode.Uri.joinPath(s.context.extensionUri, 'media', 'sample-data').fsPath;
  const [root] = workspaceRoots();
  const parent =
    root ??
    (
      await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: false,
        canSelectMany: false,
        openLabel: vscode.l10n.t('Create Sample Folder Here'),
      })
    )?.[0]?.fsPath;
  if (!parent) return;
  const target = path.join(parent, SAMPLE_FOLDER_NAME);
  if (!(await exists(target))) {
    await fs.cp(source, target, {
      recursive: true,
      errorOnExist: true,
      force: false,
    });
    s.log.info(`Sample images copied to ${target}`);
  }
  if (!root) {
    // The new window opens on the parent, where the sample folder now is.
    await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(parent));
    return;
  }
  const uri = vscode.Uri.file(target);
  await vscode.commands.executeCommand('revealInExplorer', uri);
  const fineTune = vscode.l10n.t('Fine-tune on It');
  const action = await vscode.window.showInformationMessage(
    vscode.l10n.t(
      'Sample images (trouser, sneaker, bag; 30 each) are in {0}: right-click it and choose Fine-tune on This Folder.',
      vscode.workspace.asRelativePath(target),
    ),
    fineTune,
  );
  if (action === fineTune) await vscode.commands.executeCommand('transferStudio.fineTuneFolder', uri);
}
