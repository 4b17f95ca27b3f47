// The host side of the recipe language server: a vscode-languageclient LanguageClient that runs
// dist/server.js over IPC. It starts on demand, when the first *.recipe.yaml opens, so activating the
// extension never costs a process; it forwards file events of images and recipes so the server's class
// counts follow the disk.
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { IMAGE_EXTENSIONS } from '../../shared/imageFiles';
import { nodeChildEnv } from '../../shared/privateEnv';
import { RECIPE_LANGUAGE } from '../../shared/recipeLanguage';

/** Files the server handles: recipes on disk, by the language package.json gives *.recipe.yaml. */
export const RECIPE_SELECTOR = [{ scheme: 'file', language: RECIPE_LANGUAGE }];

export interface RecipeClientOptions {
  /** The trainer's cache folder (downloaded bases), passed to the server; the CLI's default when absent. */
  cacheDir?: string;
  /** Where the client logs; a channel of its own when absent. */
  outputChannel?: vscode.LogOutputChannel;
}

/**
 * Starts the recipe language client the first time a recipe is open (now, if one already is).
 * Dispose the result (push it into context.subscriptions) to stop the client with the extension.
 */
export function startRecipeClientOnDemand(
  context: vscode.ExtensionContext,
  options: RecipeClientOptions = {},
): vscode.Disposable {
  let client: Promise<LanguageClient> | undefined;
  const isRecipe = (doc: vscode.TextDocument) => vscode.languages.match(RECIPE_SELECTOR, doc) > 0;
  const ensure = () => {
    client ??= startRecipeClient(context, options);
    client.catch(
      (e: unknown) =>
        void vscode.window.showErrorMessage(
          vscode.l10n.t('Transfer Studio: the recipe language server did not start: {0}', (e as Error).message),
        ),
    );
  };
  const opened = vscode.workspace.onDidOpenTextDocument((doc) => {
    if (!client && isRecipe(doc)) ensure();
  });
  if (vscode.workspace.textDocuments.some(isRecipe)) ensure();
  return new vscode.Disposable(() => {
    opened.dispose();
    void client?.then(
      (c) => c.dispose(),
      () => undefined,
    );
  });
}

/** Starts the client (and with it the server process) now. */
export async function startRecipeClient(
  context: vscode.ExtensionContext,
  options: RecipeClientOptions = {},
): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server.js');
  // The server loads no ONNX Runtime today; it gets the same environment as every process we start all the same.
  const env = nodeChildEnv(process.env);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env } },
    debug: { module, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const extensions = [...IMAGE_EXTENSIONS].map((e) => e.slice(1));
  // Upper-case extensions too: glob matching is case-sensitive on Linux, and cameras write .JPG.
  const imageGlob = `**/*.{${[...extensions, ...extensions.map((e) => e.toUpperCase())].join(',')}}`;
  const watchers = [
    vscode.workspace.createFileSystemWatcher(imageGlob),
    vscode.workspace.createFileSystemWatcher('**/*.recipe.yaml'),
  ];
  // The client forwards the watchers' events but does not own them.
  context.subscriptions.push(...watchers);
  const clientOptions: LanguageClientOptions = {
    documentSelector: RECIPE_SELECTOR,
    initializationOptions: { cacheDir: options.cacheDir },
    outputChannel: options.outputChannel,
    synchronize: { fileEvents: watchers },
  };
  const client = new LanguageClient('transferStudio.recipes', 'Transfer Studio Recipes', serverOptions, clientOptions);
  await client.start();
  return client;
}
