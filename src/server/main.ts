// The recipe language server (dist/server.js), started by the extension host over IPC when a
// *.recipe.yaml opens. Diagnostics are pushed after every change, tagged with the document version they
// describe; an analysis overtaken by a newer edit is dropped instead of published.
import { defaultCacheDir } from '../io/cacheFolders';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { recipeCompletions } from './completion';
import { DataFolders } from './dataFolders';
import { recipeDiagnostics } from './diagnostics';
import { quickFixes, recipeLenses, TRAIN_RECIPE_COMMAND, TRAIN_RECIPE_COMPARE_COMMAND } from './editorActions';
import { recipeHover } from './hover';
import { LayerCatalog } from './layerCatalog';
import { analyzeRecipe, type RecipeAnalysis } from './recipeAnalysis';

/** What the host may pass at start (initializationOptions). */
export interface ServerOptions {
  /** The trainer's cache (downloaded bases); the CLI's default when absent. */
  cacheDir?: string;
}

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const folders = new DataFolders();
let catalog: LayerCatalog | undefined;

connection.onInitialize((params) => {
  const options = (params.initializationOptions ?? {}) as ServerOptions;
  catalog = new LayerCatalog({
    cacheDir: options.cacheDir ?? defaultCacheDir(),
    // dist/server.js sits beside dist/trainer.js.
    workerPath: path.join(__dirname, 'trainer.js'),
    log: (line) => connection.console.log(line),
  });
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [' ', '[', ','] },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'Transfer Studio recipes' },
  };
});

function analyze(doc: TextDocument): Promise<RecipeAnalysis> {
  return analyzeRecipe(doc.getText(), doc.uri, { catalog: catalog!, folders });
}

async function validate(doc: TextDocument): Promise<void> {
  const version = doc.version;
  try {
    const analysis = await analyze(doc);
    const current = documents.get(doc.uri);
    if (!current || current.version !== version) return;
    await connection.sendDiagnostics({ uri: doc.uri, version, diagnostics: recipeDiagnostics(doc, analysis) });
  } catch (e) {
    connection.console.error(`Checking ${doc.uri} failed: ${(e as Error).stack ?? e}`);
  }
}

documents.onDidChangeContent((e) => void validate(e.document));
documents.onDidClose((e) => void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }));

connection.onDidChangeWatchedFiles((params) => {
  const changed = params.changes.filter((c) => c.uri.startsWith('file:')).map((c) => fileURLToPath(c.uri));
  folders.invalidate(changed);
  // Cheap enough to recheck every open recipe: parsing is sub-millisecond and the bases are cached.
  for (const doc of documents.all()) void validate(doc);
});

connection.onCompletion(async (params) => {
  const doc = documents.get(params.textDocument.uri);
  return doc ? recipeCompletions(doc, params.position, await analyze(doc)) : [];
});

connection.onHover(async (params) => {
  const doc = documents.get(params.textDocument.uri);
  return doc ? recipeHover(doc, params.position, await analyze(doc)) : null;
});

connection.onCodeAction((params) => quickFixes(params));
connection.onCodeLens((params) => recipeLenses(params.textDocument.uri));
connection.onShutdown(() => catalog?.dispose());

documents.listen(connection);
connection.listen();
connection.console.log(
  `Transfer Studio recipe server ready (lenses run ${TRAIN_RECIPE_COMMAND}, ${TRAIN_RECIPE_COMPARE_COMMAND}).`,
);
