// `embed` on text data: declared once here, sent by the CLI, answered by src/trainer/text/textEmbed.ts.
import { RequestType } from 'vscode-jsonrpc';
import type { EmbedResult } from '../engineTypes';
import type { EmbedParams } from '../trainerProtocol';
import type { TextColumnFlags } from './textProtocol';

/** The texts (folder or table), which base embeds them, and the image embed's output choices. */
export interface TextEmbedParams extends Pick<EmbedParams, 'outDir' | 'cacheDir' | 'classifier' | 'seed'> {
  source: string;
  columns: TextColumnFlags;
  /** The user's ONNX sentence encoder (a folder, or an https:// folder URL); absent: the built-in GloVe. */
  encoder?: string;
}

/** Host → trainer: write one vector per text (CSV, .npy, JSON) and fit a light classifier on them. */
export const textEmbed = new RequestType<TextEmbedParams, EmbedResult, void>('text/embed');
