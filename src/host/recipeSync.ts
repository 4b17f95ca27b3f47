// Keeps a recipe file and the studio in step. The recipe in the active editor binds the studio: its edits
// update the Layers view and the panel; toggles in those are written back into the recipe as one undoable
// workspace edit that keeps the user's comments (recipeEdits changes values in place).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { recipeEdits, type RecipeEdit } from '../recipe/recipeEdits';
import { resolveRecipePaths } from '../recipe/recipeFile';
import { parseRecipe } from '../recipe/recipeSyntax';
import { DEFAULT_BASE } from '../shared/recipeDefaults';
import { RECIPE_SETTINGS, settingsOfRecipe } from '../shared/trainingSettings';
import { resolveFreezePlan } from '../shared/freezePlan';
import { Disposable } from './dispose';
import type { StudioState } from './studioState';

const isRecipe = (doc: vscode.TextDocument) => doc.uri.scheme === 'file' && doc.fileName.endsWith('.recipe.yaml');

export class RecipeSync extends Disposable {
  private pulling = false;
  private timer: NodeJS.Timeout | undefined;
  /** What the recipe said at the last pull: only what differs from it is written back. */
  private pulled: RecipeEdit = {};

  constructor(
    private readonly studio: StudioState,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(
      vscode.window.onDidChangeActiveTextEditor((e) => e && isRecipe(e.document) && this.bind(e.document)),
    );
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!this.pulling && e.document.fileName === studio.choices.recipeFile && e.contentChanges.length)
          this.schedulePull(e.document);
      }),
    );
    this._register(studio.onDidChange((change) => change === 'choices' && !this.pulling && void this.push()));
    this._register({ dispose: () => this.timer && clearTimeout(this.timer) });
    const active = vscode.window.activeTextEditor?.document;
    if (active && isRecipe(active)) this.bind(active);
  }

  private bind(doc: vscode.TextDocument): void {
    if (this.studio.choices.recipeFile !== doc.fileName) {
      // Binding is not an edit: nothing may be written into the new recipe before it has been read.
      this.pulling = true;
      this.studio.bindRecipe(doc.fileName);
      this.pulling = false;
    }
    void this.pull(doc);
  }

  private schedulePull(doc: vscode.TextDocument): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pull(doc), 300);
  }

  /** Recipe → studio, when the recipe parses without errors (the language server reports the errors). */
  private async pull(doc: vscode.TextDocument): Promise<void> {
    const parsed = parseRecipe(doc.getText());
    if (parsed.problems.some((p) => p.severity === 'error')) return;
    const fields = resolveRecipePaths(parsed.value, path.dirname(doc.fileName));
    this.pulling = true;
    try {
      if (fields.data) this.studio.setDataFolder(fields.data);
      const base = fields.base ?? DEFAULT_BASE;
      if (base !== this.studio.choices.base || !this.studio.base) await this.studio.setBase(base);
      const description = await this.studio.ensureBase();
      const plan = resolveFreezePlan(description.layers, fields.freeze ?? {}, description.defaultFeatureLayer);
      this.studio.setFeatureLayer(plan.featureLayer);
      this.studio.setFrozen([...plan.frozen]);
      const settings = settingsOfRecipe(fields);
      this.studio.updateSettings(settings);
      this.pulled = {
        featureLayer: plan.featureLayer,
        frozen: [...this.studio.choices.frozen],
        ...settings,
        secondPhase: undefined,
      };
    } catch (e) {
      this.log.warn(`Recipe ${doc.fileName} could not be applied: ${(e as Error).message}`);
    } finally {
      this.pulling = false;
    }
  }

  /** Studio → recipe: the changed choices, as one workspace edit (undoable with Ctrl+Z). */
  private async push(): Promise<void> {
    const file = this.studio.choices.recipeFile;
    const doc = file ? vscode.workspace.textDocuments.find((d) => d.fileName === file) : undefined;
    if (!doc || !this.studio.base) return;
    const c = this.studio.choices;
    const edit: RecipeEdit = {};
    const p = this.pulled;
    if (c.featureLayer !== p.featureLayer) edit.featureLayer = c.featureLayer;
    if (!sameSet(c.frozen, p.frozen ?? [])) edit.frozen = c.frozen;
    for (const key of RECIPE_SETTINGS) {
      if (c.settings[key] !== p[key]) (edit as Record<string, unknown>)[key] = c.settings[key];
    }
    if (Object.keys(edit).length === 0) return;
    const text = doc.getText();
    let next: string;
    try {
      next = recipeEdits(text, edit, {
        layers: this.studio.base.layers,
        defaultFeatureLayer: this.studio.base.defaultFeatureLayer,
      });
    } catch {
      return; // the recipe has YAML errors right now: the language server shows them; nothing is overwritten
    }
    this.pulled = { ...p, ...edit };
    if (next === text) return;
    const we = new vscode.WorkspaceEdit();
    we.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(text.length)), next);
    this.pulling = true;
    try {
      await vscode.workspace.applyEdit(we);
    } finally {
      this.pulling = false;
    }
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const s = new Set(b);
  return a.length === b.length && a.every((x) => s.has(x));
}
