// A real LSP client for the server tests: starts dist/server.js as a child process over Node IPC (the
// transport the extension's language client uses) and speaks the protocol to it. No mocks.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { pathToFileURL } from 'node:url';
import { tempDir } from '../helpers/fixtures';
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  FileChangeType,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  createProtocolConnection,
  IPCMessageReader,
  IPCMessageWriter,
  type CodeAction,
  type CodeLens,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type Hover,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const SERVER = path.resolve(__dirname, '../../dist/server.js');

export const uriOf = (file: string) => pathToFileURL(file).href;

type Waiter = {
  uri: string;
  test: (p: PublishDiagnosticsParams) => boolean;
  resolve: (p: PublishDiagnosticsParams) => void;
};

export class LspClient {
  readonly child: ChildProcess;
  readonly connection: ProtocolConnection;
  readonly log: string[] = [];
  private readonly latest = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: Waiter[] = [];
  private readonly versions = new Map<string, number>();
  /** Called with every publishDiagnostics, and the time it arrived (for latency measurements). */
  onPublish: (p: PublishDiagnosticsParams, at: number) => void = () => undefined;

  constructor(cacheDir: string) {
    this.child = fork(SERVER, ['--node-ipc'], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, TRANSFER_STUDIO_CACHE: cacheDir },
    });
    this.child.stderr?.on('data', (d: Buffer) => this.log.push(d.toString()));
    this.connection = createProtocolConnection(new IPCMessageReader(this.child), new IPCMessageWriter(this.child));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.onPublish(p, performance.now());
      this.latest.set(p.uri, p);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && w.test(p)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    this.connection.onNotification('window/logMessage', (m: { message: string }) => {
      this.log.push(m.message);
    });
    this.connection.listen();
  }

  async initialize(cacheDir: string): Promise<void> {
    await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: null,
      capabilities: {},
      initializationOptions: { cacheDir },
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
  }

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'yaml', version: 1, text },
    });
  }

  /** Replaces the whole text (a valid incremental change without a range); returns the new version. */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  /** The first diagnostics for `uri` that pass `test` (already received ones count). */
  diagnostics(
    uri: string,
    test: (p: PublishDiagnosticsParams) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<Diagnostic[]> {
    const have = this.latest.get(uri);
    if (have && test(have)) return Promise.resolve(have.diagnostics);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching diagnostics for ${uri} in ${timeoutMs} ms; last: ${JSON.stringify(this.latest.get(uri)?.diagnostics.map((d) => d.message))}\n${this.log.join('\n')}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        uri,
        test,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p.diagnostics);
        },
      });
    });
  }

  /** The diagnostics published for a given document version. */
  diagnosticsOf(uri: string, version: number): Promise<Diagnostic[]> {
    return this.diagnostics(uri, (p) => p.version === version);
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const r = (await this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as
      CompletionItem[] | CompletionList | null;
    return Array.isArray(r) ? r : (r?.items ?? []);
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  async codeActions(uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    const range = diagnostics[0].range;
    const r = await this.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range,
      context: { diagnostics },
    });
    return (r ?? []) as CodeAction[];
  }

  async codeLenses(uri: string): Promise<CodeLens[]> {
    return (await this.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  }

  async filesChanged(files: string[], type: FileChangeType = FileChangeType.Created): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: files.map((f) => ({ uri: uriOf(f), type })),
    });
  }

  async stop(): Promise<void> {
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    await new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      const timer = setTimeout(() => {
        this.child.kill();
        resolve();
      }, 5000);
      this.child.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.connection.dispose();
  }
}

/** The LSP range of the first occurrence of `needle` in `text` (after `from`, if given). */
export function rangeOf(text: string, needle: string, from = 0) {
  const start = text.indexOf(needle, from);
  if (start < 0) throw new Error(`"${needle}" not in the fixture`);
  const pos = (offset: number) => {
    const before = text.slice(0, offset).split('\n');
    return { line: before.length - 1, character: before[before.length - 1].length };
  };
  return { start: pos(start), end: pos(start + needle.length) };
}

/**
 * One server process for a test file, with a scratch folder for its cache; `session.client` is valid inside
 * tests (it starts in `before` and stops in `after`).
 */
export function lspSession(prefix: string) {
  const work = tempDir(prefix);
  const session = { client: undefined as unknown as LspClient, work };
  before(async () => {
    session.client = new LspClient(path.join(work, 'cache'));
    await session.client.initialize(path.join(work, 'cache'));
  });
  after(async () => {
    await session.client.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });
  return session;
}
