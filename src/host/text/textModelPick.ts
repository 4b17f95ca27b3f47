// The text model pick of Fine-tune on This Folder/File: the built-in models with what each does and costs
// (auto first: the default), then the ONNX sentence encoders found in the workspace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../../shared/limits';
import { WORD_VECTORS_FILE } from '../../shared/text/textFiles';
import { encoderUrlProblem } from '../../shared/text/encoderMeta';
import type { TextModelChoice } from '../../shared/text/textRecipe';
import type { Services } from '../services';
import type { WorkspaceEncoder } from '../../io/encoderFolders';

/** One entry of the pick; `base` is an encoder's folder; `askUrl`: the encoder's URL is asked next. */
export interface TextModelItem extends vscode.QuickPickItem {
  model: TextModelChoice;
  base?: string;
  askUrl?: boolean;
}

/** What each text model does and costs, for the pick (auto first: the default). */
export function textModelItems(s: Services, encoders: readonly WorkspaceEncoder[]): TextModelItem[] {
  const vectors = path.join(s.context.extensionUri.fsPath, 'dist', 'text', WORD_VECTORS_FILE);
  const size = fs.statSync(vectors, { throwIfNoEntry: false })?.size;
  const gloveCost = size
    ? vscode.l10n.t('reads {0} of word vectors once', formatBytes(size))
    : vscode.l10n.t('reads the built-in word vectors once');
  const lexicalCost = vscode.l10n.t("no file; counts each text's n-grams");
  return [
    {
      model: 'auto',
      label: 'auto',
      description: vscode.l10n.t('fits all four'),
      detail: vscode.l10n.t('Fits fused, GloVe, lexical and tuned; keeps fused unless another is better beyond chance'),
    },
    {
      model: 'fused',
      label: 'fused',
      description: `${gloveCost}; ${lexicalCost}`,
      detail: vscode.l10n.t('GloVe-100 and lexical TF-IDF under one head'),
    },
    {
      model: 'glove',
      label: 'glove',
      description: gloveCost,
      detail: vscode.l10n.t('Built-in GloVe-100 word vectors, pooled; short texts'),
    },
    {
      model: 'lexical',
      label: 'lexical',
      description: lexicalCost,
      detail: vscode.l10n.t('Word and character n-gram TF-IDF; long texts'),
    },
    {
      model: 'tuned',
      label: 'tuned',
      description: vscode.l10n.t('{0}; also trains the word vectors', gloveCost),
      detail: vscode.l10n.t('GloVe-100 word vectors fine-tuned on these texts with the head'),
    },
    ...encoders.map((e) => encoderItem(e)),
    {
      model: 'auto',
      askUrl: true,
      label: vscode.l10n.t('ONNX encoder from a URL…'),
      description: vscode.l10n.t('downloads the folder once into the cache'),
      detail: vscode.l10n.t('A sentence-transformers folder served over http(s): model.onnx, tokenizer.json'),
    },
  ];
}

/** The URL of an encoder folder, checked as it is typed; undefined when the user cancels. */
export async function askEncoderUrl(): Promise<string | undefined> {
  const url = await vscode.window.showInputBox({
    title: vscode.l10n.t('ONNX encoder from a URL'),
    prompt: vscode.l10n.t('The URL of a folder holding model.onnx (or onnx/model.onnx) and tokenizer.json'),
    placeHolder: 'https://example.org/models/my-encoder/',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? encoderUrlProblem(value) : undefined),
  });
  return url?.trim() || undefined;
}

/** A sentence encoder of the workspace: the run fits a head on its vectors (compared with the baselines). */
function encoderItem(e: WorkspaceEncoder): TextModelItem {
  return {
    model: 'auto',
    base: e.folder,
    label: vscode.l10n.t('encoder: {0}', vscode.workspace.asRelativePath(e.folder)),
    description: vscode.l10n.t('runs a {0} ONNX model over every text once; vectors cached', formatBytes(e.modelBytes)),
    detail: vscode.l10n.t('Your ONNX sentence encoder, frozen, with a logistic head on its vectors'),
  };
}
