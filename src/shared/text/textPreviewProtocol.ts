// The editor's text request beside the engine's (textProtocol.ts): what the panel's Dataset tab shows of a
// text folder or table. Sent by the extension host, answered by src/trainer/text/textPreview.ts.
import { RequestType } from 'vscode-jsonrpc';
import type { TextDatasetView } from './textDatasetView';
import type { TextColumnFlags } from './textProtocol';

/** A text dataset and the split the next training will make of it. */
export interface TextPreviewParams {
  source: string;
  columns: TextColumnFlags;
  validationSplit: number;
  testSplit: number;
  seed: number;
}

/** Host → trainer: classes with snippets and lengths, duplicates and skipped files of a text dataset. */
export const textPreview = new RequestType<TextPreviewParams, TextDatasetView, void>('text/preview');
