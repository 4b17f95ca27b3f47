// ONNX sentence encoders in the workspace, for the text model pick: folders with a tokenizer.json beside an
// ONNX model and sentence-transformers metadata (src/shared/text/encoderFolder.ts). Found by VS Code's file
// search (it skips what files.exclude and search.exclude skip), bounded in count.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { encoderAt, type WorkspaceEncoder } from '../../io/encoderFolders';

/** tokenizer.json files looked at, at most (a workspace of models has a few; node_modules is skipped). */
const MAX_TOKENIZERS = 50;

/** The encoder folders of the workspace, sorted by path. */
export async function workspaceEncoders(): Promise<WorkspaceEncoder[]> {
  const found = await vscode.workspace.findFiles('**/tokenizer.json', '**/node_modules/**', MAX_TOKENIZERS);
  const folders = [...new Set(found.map((uri) => path.dirname(uri.fsPath)))].sort();
  return folders.map(encoderAt).filter((e): e is WorkspaceEncoder => e !== undefined);
}
