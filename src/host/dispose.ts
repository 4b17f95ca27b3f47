// What a host object owns (subscriptions, emitters, views, watchers) is registered once, where it is made,
// and released together (after vscode-hexeditor's src/dispose.ts). No runtime vscode import: anything with
// a dispose() method can be registered.

/** Something to release: a vscode.Disposable, a trainer client's subscription. */
export interface IDisposable {
  dispose(): void;
}

/** A set of disposables released together; `clear()` releases them and keeps the store usable. */
export class DisposableStore implements IDisposable {
  private items: IDisposable[] = [];
  private disposed = false;

  /** Keeps `d` until the store is cleared or disposed; added after disposal, it is released at once. */
  add<T extends IDisposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.items.push(d);
    return d;
  }

  /** Releases everything held, the last added first (what was built on something goes before it). */
  clear(): void {
    const items = this.items;
    this.items = [];
    for (const d of items.reverse()) d.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clear();
  }
}

/** Base of host objects that own disposables: `this._register(x)` where x is made, no dispose() list to keep. */
export abstract class Disposable implements IDisposable {
  private readonly store = new DisposableStore();

  protected _register<T extends IDisposable>(d: T): T {
    return this.store.add(d);
  }

  dispose(): void {
    this.store.dispose();
  }
}
