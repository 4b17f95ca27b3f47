// Compare Bases on text data: declared once here, sent by the CLI, answered by src/trainer/text/textProbe.ts.
import { RequestType } from 'vscode-jsonrpc';
import type { ProbeResult } from '../probeRules';
import type { TextColumnFlags } from './textProtocol';

export interface TextProbeParams {
  source: string;
  columns: TextColumnFlags;
  seed: number;
  /** Fraction of each class held out; every base is scored on the same held-out texts. */
  validationSplit: number;
  /** A folder with the user's ONNX sentence encoder, probed beside the built-in bases. */
  encoder?: string;
  /** Where the encoder's vectors of each text are kept between runs. */
  cacheDir?: string;
}

/** Host → trainer: probe the built-in text bases (GloVe, lexical) on a text folder or table. */
export const textProbe = new RequestType<TextProbeParams, ProbeResult, void>('text/probe');
