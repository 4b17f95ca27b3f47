// An ONNX sentence encoder folder on disk, as the editor's text model pick lists it: the shared rule
// (src/shared/text/encoderFolder.ts) applied to the files there, and the size of the model a run reads.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENCODER_MODEL_PLACES, encoderFolderProblem } from '../shared/text/encoderFolder';

/** An encoder folder and the size of its ONNX model (what a run reads). */
export interface WorkspaceEncoder {
  folder: string;
  modelBytes: number;
}

const isFile = (file: string) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true;

/** Why `folder` is not a sentence encoder (the language server says it at the recipe's field), or undefined. */
export function encoderProblemAt(folder: string): string | undefined {
  if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) return 'no such folder';
  return encoderFolderProblem((rel) => isFile(path.join(folder, rel)));
}

/** The encoder at `folder`, or undefined when it is not one. */
export function encoderAt(folder: string): WorkspaceEncoder | undefined {
  if (encoderProblemAt(folder)) return undefined;
  const model = ENCODER_MODEL_PLACES.map((p) => path.join(folder, p)).find(isFile)!;
  return { folder, modelBytes: fs.statSync(model).size };
}
