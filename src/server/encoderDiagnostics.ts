// The recipe's text.encoder: a folder that is not an ONNX sentence encoder is said at the field, with what it
// lacks (src/shared/text/encoderFolder.ts is the rule the editor's pick and the engine's folder check share).
import path from 'node:path';
import { encoderProblemAt } from '../io/encoderFolders';
import { spanAt } from '../recipe/recipeSyntax';
import type { Add } from './diagnostics';
import type { RecipeAnalysis } from './recipeAnalysis';

export function encoderDiagnostics(a: RecipeAnalysis, add: Add): void {
  const named = a.parsed.value.text?.encoder;
  if (typeof named !== 'string' || named === '') return;
  const why = encoderProblemAt(path.resolve(a.recipeDir, named));
  if (why)
    add(spanAt(a.parsed, ['text', 'encoder']), `${named} is not an ONNX sentence encoder: ${why}.`, 'text-encoder');
}
