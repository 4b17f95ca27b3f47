// The dataset the studio points at: its scan (through the trainer child: decoding headers is its job), a
// few thumbnails per class, the split the next training will use, and a watcher that refreshes all of it.
import * as vscode from 'vscode';
import type { DatasetScan } from '../../shared/engineTypes';
import type { DatasetPreview } from '../../shared/panelProtocol';
import { defaultRecipe } from '../../shared/recipeDefaults';
import { runSplit } from '../../shared/split';
import { recipeFieldsOf } from '../../shared/trainingSettings';
import { Disposable } from '../dispose';
import type { StudioState } from '../studioState';
import type { HostTrainerProcess } from '../hostTrainerProcess';
import { DatasetWatcher } from './datasetWatcher';
import * as P from '../../shared/trainerProtocol';

const THUMBNAILS_PER_CLASS = 8;
const THUMBNAIL_SIZE = 72;

export class DatasetService extends Disposable {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<DatasetPreview | undefined>());
  readonly onDidChange = this.changeEmitter.event;
  scan: DatasetScan | undefined;
  preview: DatasetPreview | undefined;
  error: string | undefined;
  private readonly watcher = new DatasetWatcher(() => void this.refresh());
  private generation = 0;

  constructor(
    private readonly studio: StudioState,
    private readonly trainer: HostTrainerProcess,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register({ dispose: () => this.watcher.close() });
    this._register(
      studio.onDidChange((change) => {
        if (change === 'dataFolder') {
          this.watcher.watch(studio.choices.dataFolder);
          void this.refresh();
        } else if (change === 'choices' && this.scan) {
          this.publish(this.scan); // the split follows the validation setting
        }
      }),
    );
  }

  /** Rescans the folder; later calls win over earlier ones still running. */
  async refresh(): Promise<void> {
    const folder = this.studio.choices.dataFolder;
    const generation = ++this.generation;
    if (!folder) {
      this.scan = this.preview = this.error = undefined;
      this.changeEmitter.fire(undefined);
      return;
    }
    try {
      const client = await this.trainer.get();
      const scan = await client.sendRequest(P.scanDataset, { folder });
      if (generation !== this.generation) return;
      this.scan = scan;
      this.error = undefined;
      this.publish(scan);
      const files = scan.classes.flatMap((c) => c.files.slice(0, THUMBNAILS_PER_CLASS));
      const thumbs = await client.sendRequest(P.thumbnails, { files, size: THUMBNAIL_SIZE });
      if (generation !== this.generation) return;
      this.publish(scan, new Map(thumbs.filter((t) => t.src).map((t) => [t.path, t])));
    } catch (e) {
      if (generation !== this.generation) return;
      this.error = (e as Error).message;
      this.log.warn(`Dataset scan of ${folder} failed: ${this.error}`);
      this.scan = this.preview = undefined;
      this.changeEmitter.fire(undefined);
    }
  }

  /** Shows a text dataset the trainer previewed (text data has no image scan, and no folder to watch). */
  showText(preview: DatasetPreview): void {
    ++this.generation;
    this.scan = undefined;
    this.error = undefined;
    this.preview = preview;
    this.changeEmitter.fire(preview);
  }

  private publish(scan: DatasetScan, thumbnails?: Map<string, { path: string; src: string }>): void {
    const old = new Map(this.preview?.classes.flatMap((c) => c.thumbnails.map((t) => [t.path, t] as const)) ?? []);
    const thumbOf = (file: string) => thumbnails?.get(file) ?? old.get(file);
    // The split the panel's next run makes (its recipe: the defaults and the settings), by the engine's rule.
    const { split } = runSplit(scan.classes, {
      ...defaultRecipe(scan.root),
      ...recipeFieldsOf(this.studio.choices.settings),
    });
    this.preview = {
      folder: scan.root,
      classes: scan.classes.map((c) => ({
        name: c.name,
        count: c.files.length,
        thumbnails: c.files
          .slice(0, THUMBNAILS_PER_CLASS)
          .map(thumbOf)
          .filter((t): t is { path: string; src: string } => !!t),
      })),
      split: { train: split.train.length, validation: split.validation.length, test: split.test.length },
      skipped: scan.skipped,
      warnings: scan.warnings,
    };
    this.changeEmitter.fire(this.preview);
  }
}
