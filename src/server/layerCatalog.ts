// The layers of each base a recipe names, loaded once by the trainer child (the only process that runs
// tfjs) and cached for the life of the server. Measured: the first listing of mobilenet_v2 takes about
// 0.6 s including the child's start, a cached one nothing; reading model.json ourselves would be faster but
// would duplicate tfjs' shape inference and parameter counts, which hover shows.
import { DOWNLOAD_COMPLETE, downloadFolder } from '../io/cacheFolders';
import fs from 'node:fs';
import path from 'node:path';
import { TrainerRpcClient, TrainerError } from '../client/trainerRpcClient';
import { isPathLikeBase } from '../recipe/recipeFile';
import { BUILTIN_BASES } from '../shared/builtinBases';
import type { BaseDescription } from '../shared/engineTypes';
import { TrainerErrorCode } from '../shared/trainerProtocol';
import { closestName } from '../shared/nameDistance';
import * as P from '../shared/trainerProtocol';

export type BaseLookup =
  | { kind: 'ok'; base: BaseDescription }
  /** The base cannot be used; the message says why, `suggestion` is a likely intended spec. */
  | { kind: 'error'; message: string; suggestion?: string }
  /** A URL not downloaded yet: the server never downloads while the user types. */
  | { kind: 'notDownloaded'; message: string };

// Idle trainer children are ended: a loaded tfjs costs memory, and the cache answers later lookups.
const IDLE_MS = 60_000;
const RETRY_MS = 10_000;

export class LayerCatalog {
  private readonly cache = new Map<string, Promise<BaseLookup>>();
  private client: TrainerRpcClient | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private pending = 0;

  constructor(private readonly options: { cacheDir: string; workerPath: string; log: (line: string) => void }) {}

  /** The base a recipe names, resolved against the recipe's folder. */
  lookup(spec: string, recipeDir: string): Promise<BaseLookup> {
    const trimmed = spec.trim();
    if ((BUILTIN_BASES as readonly string[]).includes(trimmed)) return this.cached(trimmed, trimmed);
    if (/^https?:\/\//i.test(trimmed)) {
      if (!this.downloaded(trimmed)) {
        return Promise.resolve({
          kind: 'notDownloaded',
          message: `The base ${trimmed} is not downloaded yet: its layers are checked after the first training downloads it.`,
        });
      }
      return this.cached(trimmed, trimmed);
    }
    if (!isPathLikeBase(trimmed)) {
      const guess = closestName(trimmed, BUILTIN_BASES);
      return Promise.resolve({
        kind: 'error',
        suggestion: guess,
        message: `Unknown base "${trimmed}"${guess ? `; did you mean "${guess}"?` : '.'} Use ${BUILTIN_BASES.join(', ')}, a model.json path or run folder (starting with ./ or ../), or an http(s) URL.`,
      });
    }
    const target = path.resolve(recipeDir, trimmed);
    const modelJson =
      fs.existsSync(target) && fs.statSync(target).isDirectory() ? path.join(target, 'model.json') : target;
    const stat = fs.statSync(modelJson, { throwIfNoEntry: false });
    if (!stat) return Promise.resolve({ kind: 'error', message: `Base model not found: ${modelJson}.` });
    // A retrained model.json at the same path must be read again.
    return this.cached(`${target}@${stat.mtimeMs}`, target);
  }

  /** Ends the trainer child (the cache stays). */
  dispose(): void {
    clearTimeout(this.idleTimer);
    this.client?.dispose();
    this.client = undefined;
  }

  private cached(key: string, spec: string): Promise<BaseLookup> {
    let entry = this.cache.get(key);
    if (!entry) {
      entry = this.list(spec);
      this.cache.set(key, entry);
      // A failure is asked again after a pause, not at every keystroke: a trainer that cannot start would
      // otherwise be forked once per edit. (A changed model file has a new key anyway.)
      const forget = () => setTimeout(() => this.cache.get(key) === entry && this.cache.delete(key), RETRY_MS).unref();
      entry.then((r) => {
        if (r.kind === 'error') forget();
      }, forget);
    }
    return entry;
  }

  private async list(spec: string): Promise<BaseLookup> {
    clearTimeout(this.idleTimer);
    this.pending++;
    const started = Date.now();
    try {
      this.client ??= new TrainerRpcClient({
        workerPath: this.options.workerPath,
        backend: 'cpu',
        onLog: this.options.log,
      });
      const base = await this.client.sendRequest(P.listLayers, { base: spec, cacheDir: this.options.cacheDir });
      this.options.log(`listed ${base.layers.length} layers of ${spec} in ${Date.now() - started} ms`);
      return { kind: 'ok', base };
    } catch (e) {
      // A refused model leaves the child healthy; a dead or broken child is replaced at the next lookup.
      if (!(e instanceof TrainerError) || e.code === TrainerErrorCode.Internal) this.dispose();
      return { kind: 'error', message: (e as Error).message };
    } finally {
      if (--this.pending === 0) this.idleTimer = setTimeout(() => this.dispose(), IDLE_MS);
    }
  }

  /** Whether the trainer has downloaded this URL's model (the cache layout is src/io/cacheFolders.ts's). */
  private downloaded(url: string): boolean {
    return fs.existsSync(path.join(downloadFolder(this.options.cacheDir, url), DOWNLOAD_COMPLETE));
  }
}
