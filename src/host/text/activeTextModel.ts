// The text model that Classify Selection and Predict This File use: the last one trained or picked,
// remembered per workspace and named in the status bar. Nothing is read at activation: the remembered run
// folder is only checked when the item is shown or a command uses it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isTextRunFolder, listTextRuns } from '../../io/textRuns';
import { Disposable } from '../dispose';

const MEMORY_KEY = 'transferStudio.activeTextModel';

export class ActiveTextModel extends Disposable {
  private readonly item = this._register(
    vscode.window.createStatusBarItem('transferStudio.textModel', vscode.StatusBarAlignment.Right, 100),
  );

  constructor(
    private readonly memory: vscode.Memento,
    private readonly runsDirs: () => string[],
  ) {
    super();
    this.item.name = vscode.l10n.t('Transfer Studio Text Model');
    this.item.command = 'transferStudio.pickTextModel';
    this.show(memory.get<string>(MEMORY_KEY));
  }

  /** The active text run folder, if it still holds a text model. */
  get dir(): string | undefined {
    const dir = this.memory.get<string>(MEMORY_KEY);
    return dir && isTextRunFolder(dir) ? dir : undefined;
  }

  async setActive(dir: string): Promise<void> {
    await this.memory.update(MEMORY_KEY, dir);
    this.show(dir);
  }

  /** Makes `dir` active when it is a text run (a row of the Runs view), else lets the user pick. */
  async useOrPick(dir: string | undefined): Promise<string | undefined> {
    if (dir && isTextRunFolder(dir)) {
      await this.setActive(dir);
      return dir;
    }
    return this.pick();
  }

  /** The active model, or the one the user picks among the finished text runs when there is none. */
  async dirOrPick(): Promise<string | undefined> {
    return this.dir ?? (await this.pick());
  }

  /** Lets the user choose among the workspace's text runs (newest first) and makes the choice active. */
  async pick(): Promise<string | undefined> {
    const runs = listTextRuns(this.runsDirs());
    if (runs.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'No text models in this workspace yet. Right-click a folder of text classes (or a .csv) and choose "Fine-tune on This Folder".',
        ),
      );
      return undefined;
    }
    const active = this.dir;
    const picked = await vscode.window.showQuickPick(
      runs.map((r) => ({
        label: r.name,
        description: vscode.l10n.t(
          '{0} · {1} % on {2} · {3} classes',
          r.record.kept,
          (r.record.evaluation.accuracy * 100).toFixed(1),
          r.record.evaluatedOn,
          r.record.classes.length,
        ),
        detail: r.dir === active ? vscode.l10n.t('active') : r.record.source,
        dir: r.dir,
      })),
      { placeHolder: vscode.l10n.t('Text model for Classify Selection and Predict This File') },
    );
    if (picked) await this.setActive(picked.dir);
    return picked?.dir;
  }

  private show(dir: string | undefined): void {
    if (!dir) return this.item.hide();
    this.item.text = `$(symbol-text) ${path.basename(dir)}`;
    this.item.tooltip = vscode.l10n.t('Active text model: {0}. Click to choose another.', dir);
    this.item.show();
  }
}
