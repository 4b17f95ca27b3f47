// The recipe's text.encoder: a folder that is not an ONNX sentence encoder is said at the field, with what it
// lacks (src/shared/text/encoderFolder.ts is the rule the editor's pick and the engine's folder check share);
// so is a malformed URL.
import path from 'node:path';
import { encoderProblemAt } from '../io/encoderFolders';
import { encoderUrlProblem, isEncoderUrl } from '../shared/text/encoderMeta';
import { spanAt } from '../recipe/recipeSyntax';
import type { Add } from './diagnostics';
import type { RecipeAnalysis } from './recipeAnalysis';

export function encoderDiagnostics(a: RecipeAnalysis, add: Add): void {
  const named = a.parsed.value.text?.encoder;
  if (typeof named !== 'string' || named === '') return;
  const span = spanAt(a.parsed, ['text', 'encoder']);
  // A URL is downloaded when a run starts: here only its form is checked, never the network.
  if (isEncoderUrl(named)) {
    const problem = encoderUrlProblem(named);
    return problem ? add(span, problem, 'text-encoder') : undefined;
  }
  const why = encoderProblemAt(path.resolve(a.recipeDir, named));
  if (why) add(span, `${named} is not an ONNX sentence encoder: ${why}.`, 'text-encoder');
}
