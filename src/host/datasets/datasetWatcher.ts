// Follows one dataset folder on disk with chokidar: adding, removing or replacing images triggers one
// debounced callback, so previews, counts and diagnostics track the disk without polling.
import { watch, type FSWatcher } from 'chokidar';

export class DatasetWatcher {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly onChange: () => void,
    private readonly debounceMs = 300,
  ) {}

  watch(folder: string | undefined): void {
    this.close();
    if (!folder) return;
    // Class folders sit one level down; deeper trees are ignored by the scanner too.
    this.watcher = watch(folder, {
      ignoreInitial: true,
      depth: 2,
      ignored: (p) => /(^|[\\/])\.[^\\/]/.test(p.slice(folder.length)),
    });
    this.watcher.on('all', () => this.schedule());
    this.watcher.on('error', () => this.schedule());
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onChange(), this.debounceMs);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    void this.watcher?.close();
    this.watcher = undefined;
  }
}
