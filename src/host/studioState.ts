// The one place that holds what the next training uses: data folder, base, cut and frozen layers, settings.
// The Layers view, the training panel and the recipe file all read and change it here, so a checkbox
// toggled in one shows up in the others and in the run.
import * as vscode from 'vscode';
import type { BaseDescription, LayerInfo } from '../shared/engineTypes';
import * as freeze from '../shared/freezePlan';
import type { StudioChoices, TrainingSettings } from '../shared/panelProtocol';
import { DEFAULT_BASE } from '../shared/recipeDefaults';
import type { HostTrainerProcess } from './hostTrainerProcess';
import { Disposable } from './dispose';
import { readRunRecipe } from './runs/runStore';
import * as P from '../shared/trainerProtocol';

export type StudioChange = 'choices' | 'base' | 'dataFolder';

export class StudioState extends Disposable {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<StudioChange>());
  readonly onDidChange = this.changeEmitter.event;
  private current: StudioChoices;
  base: BaseDescription | undefined;
  baseError: string | undefined;
  private loading: Promise<void> | undefined;
  private pendingRestore: string | undefined;

  constructor(
    private readonly trainer: HostTrainerProcess,
    settings: TrainingSettings,
  ) {
    super();
    this.current = { base: DEFAULT_BASE, featureLayer: '', frozen: [], settings };
  }

  get choices(): StudioChoices {
    return this.current;
  }

  get layers(): readonly LayerInfo[] {
    return this.base?.layers ?? [];
  }

  /** Layers the cut keeps; none while no base is loaded (the cut is only known with its base). */
  get keptLayers(): readonly LayerInfo[] {
    return this.base ? freeze.keptLayers(this.base.layers, this.current.featureLayer) : [];
  }

  /** Loads a base (through the trainer) and resets the cut and the frozen set to "train the head only". */
  setBase(spec: string): Promise<void> {
    this.current = { ...this.current, base: spec };
    this.loading = (async () => {
      try {
        const client = await this.trainer.get();
        const base = await client.sendRequest(P.listLayers, { base: spec, cacheDir: this.trainer.cacheDir });
        if (this.current.base !== spec) return; // another base was chosen meanwhile
        this.base = base;
        this.baseError = undefined;
        this.current = {
          ...this.current,
          featureLayer: base.defaultFeatureLayer,
          frozen: freeze.allFrozen(base.layers, base.defaultFeatureLayer),
        };
      } catch (e) {
        this.base = undefined;
        this.baseError = (e as Error).message;
        throw e;
      } finally {
        this.changeEmitter.fire('base');
      }
    })();
    return this.loading;
  }

  /** The base is loaded (loading the default one if none was chosen). */
  async ensureBase(): Promise<BaseDescription> {
    if (!this.base && !this.loading) await this.setBase(this.current.base);
    else await this.loading;
    if (!this.base) throw new Error(this.baseError ?? vscode.l10n.t('No base model is loaded.'));
    return this.base;
  }

  /**
   * Remembers the run folder whose choices to take up (after a reload, for instance) without loading anything:
   * the base and the dataset scan start the trainer, which waits until the Layers view or the panel is shown.
   */
  deferRestore(runDir: string): void {
    this.pendingRestore = runDir;
  }

  /** Takes up the deferred run's choices, once; errors are the caller's to log. */
  async restorePending(): Promise<void> {
    const runDir = this.pendingRestore;
    this.pendingRestore = undefined;
    if (runDir) await this.restoreFrom(runDir);
  }

  /** Takes the data, base, cut and frozen layers of a run folder's recipe. */
  private async restoreFrom(runDir: string): Promise<void> {
    const recipe = readRunRecipe(runDir);
    if (this.current.dataFolder) return; // the user chose something already
    this.setDataFolder(recipe.data);
    if (recipe.mode !== 'transfer') return;
    await this.setBase(recipe.base);
    if (recipe.freeze.featureLayer) this.setFeatureLayer(recipe.freeze.featureLayer);
    if (recipe.freeze.frozen) this.setFrozen(recipe.freeze.frozen);
  }

  setDataFolder(folder: string | undefined): void {
    if (folder === this.current.dataFolder) return;
    this.current = { ...this.current, dataFolder: folder };
    this.changeEmitter.fire('dataFolder');
  }

  setTrainable(layer: string, trainable: boolean): void {
    if (!this.knows(layer)) return;
    this.setFrozen(freeze.setTrainable(this.current.frozen, layer, trainable));
  }

  // A layer the cut removes has nothing to freeze or unfreeze: the views disable these actions there, and a
  // message naming one anyway (the webview is untrusted) is ignored like an unknown layer.
  freezeUpTo(layer: string): void {
    if (this.keeps(layer)) this.setFrozen(freeze.freezeUpTo(this.layers, this.current.featureLayer, layer));
  }

  unfreezeFrom(layer: string): void {
    if (this.keeps(layer))
      this.setFrozen(freeze.unfreezeFrom(this.layers, this.current.featureLayer, this.current.frozen, layer));
  }

  setFeatureLayer(layer: string): void {
    if (!this.knows(layer)) return;
    this.current = {
      ...this.current,
      featureLayer: layer,
      frozen: freeze.frozenWithinCut(this.layers, layer, this.current.frozen),
    };
    this.changeEmitter.fire('choices');
  }

  setFrozen(frozen: readonly string[]): void {
    const withWeights = new Set(this.layers.filter((l) => l.hasWeights).map((l) => l.name));
    this.current = {
      ...this.current,
      frozen: freeze.frozenWithinCut(
        this.layers,
        this.current.featureLayer,
        [...new Set(frozen)].filter((n) => withWeights.has(n)),
      ),
    };
    this.changeEmitter.fire('choices');
  }

  updateSettings(settings: Partial<TrainingSettings>): void {
    this.current = { ...this.current, settings: { ...this.current.settings, ...settings } };
    this.changeEmitter.fire('choices');
  }

  bindRecipe(file: string | undefined): void {
    this.current = { ...this.current, recipeFile: file };
    this.changeEmitter.fire('choices');
  }

  isTrainable(layer: LayerInfo): boolean {
    return layer.hasWeights && !this.current.frozen.includes(layer.name);
  }

  private knows(layer: string): boolean {
    return this.layers.some((l) => l.name === layer);
  }

  private keeps(layer: string): boolean {
    return freeze.isKept(this.layers, this.current.featureLayer, layer);
  }
}
