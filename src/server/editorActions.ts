// Quick fixes (a misspelt layer, field, enum value or base becomes the suggested one) and the two lenses
// above every recipe. The lenses run host commands registered by the extension: the server names them,
// the host does the training.
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type CodeLens,
  type Diagnostic,
} from 'vscode-languageserver';
import { SOURCE, type FixData } from './diagnostics';

/** Host command that trains the recipe whose URI (a string) is its only argument. */
export const TRAIN_RECIPE_COMMAND = 'transferStudio.trainRecipe';
/** Host command that trains the recipe and, for comparison, baselines without transfer for the same time. */
export const TRAIN_RECIPE_COMPARE_COMMAND = 'transferStudio.trainRecipeCompare';
/** Runs a linear probe of each candidate base on the recipe's data (src/host/commands/compareBases.ts). */
export const COMPARE_BASES_COMMAND = 'transferStudio.compareBases';
/** Runs the recipe on a Ray cluster (the host asks which). */
export const TRAIN_RECIPE_ON_RAY_COMMAND = 'transferStudio.trainRecipeOnRay';

export function quickFixes(params: CodeActionParams): CodeAction[] {
  return params.context.diagnostics.filter(isFixable).map((d) => ({
    title: `Change to "${d.data.replacement}"`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    isPreferred: true,
    edit: { changes: { [params.textDocument.uri]: [{ range: d.range, newText: d.data.replacement }] } },
  }));
}

export function recipeLenses(uri: string): CodeLens[] {
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return [
    { range, command: { title: 'Train', command: TRAIN_RECIPE_COMMAND, arguments: [uri] } },
    { range, command: { title: 'Compare with scratch', command: TRAIN_RECIPE_COMPARE_COMMAND, arguments: [uri] } },
    { range, command: { title: 'Compare Bases', command: COMPARE_BASES_COMMAND, arguments: [uri] } },
    { range, command: { title: 'Run on Ray Cluster…', command: TRAIN_RECIPE_ON_RAY_COMMAND, arguments: [uri] } },
  ];
}

function isFixable(d: Diagnostic): d is Diagnostic & { data: FixData } {
  const data = d.data as Partial<FixData> | undefined;
  return d.source === SOURCE && typeof data?.replacement === 'string';
}
